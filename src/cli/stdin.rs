//! `postlint check - --stdin-filename PATH`: an unsaved buffer, read from standard input and
//! checked as if it were the file at PATH in its site (the engine's buffer check).

use std::io::Read;

use super::{CheckArgs, EXIT_FAILURE};

/// Whether the run reads standard input, checked against the other arguments: `Ok(None)` for
/// a run over files, `Ok(Some(bytes))` for `-` with `--stdin-filename` (whose PATH then takes
/// the place of `-` in `args.paths`), `Err(status)` after saying what is wrong.
pub fn take(args: &mut CheckArgs) -> Result<Option<Vec<u8>>, u8> {
    let dash = args.paths.iter().any(|p| p.as_os_str() == "-");
    let fail = |message: &str| {
        eprintln!("error: {message}");
        Err(EXIT_FAILURE)
    };
    let name = match (&args.stdin_filename, dash) {
        (None, false) => return Ok(None),
        (Some(_), false) => {
            return fail(
                "--stdin-filename needs `-` as the path (`postlint check - --stdin-filename PATH`)",
            );
        }
        (None, true) => {
            return fail(
                "`-` reads the buffer from standard input and needs --stdin-filename PATH: the path it is checked as (its site, its kind, its URL)",
            );
        }
        (Some(name), true) => name.clone(),
    };
    if args.paths.len() > 1 {
        return fail("`-` checks standard input alone: give no other path with it");
    }
    if args.fix || args.diff {
        return fail(
            "--fix and --diff rewrite files on disk and cannot be used with `-` (the language server, `postlint server`, offers the fixes of a buffer)",
        );
    }
    if name.as_os_str().is_empty() {
        return fail("--stdin-filename needs a path");
    }
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().lock().read_to_end(&mut bytes) {
        eprintln!("error: cannot read standard input: {e}");
        return Err(EXIT_FAILURE);
    }
    args.paths = vec![name];
    Ok(Some(bytes))
}
