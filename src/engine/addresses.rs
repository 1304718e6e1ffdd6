//! The `--online` address policy: which addresses a link check may connect to.
//!
//! Built from IANA's registries (read 2026-12): the IPv4 and IPv6 Special-Purpose Address
//! Registries (RFC 6890 and its updates), the IPv4 Address Space and IPv6 Address Space
//! registries (multicast, reserved space, global unicast `2000::/3`). A link checker connects
//! only to addresses where web pages can live, so the policy is stricter than the registries'
//! "globally reachable" column:
//!
//! - every entry of the special-purpose registries is refused, also those marked globally
//!   reachable (anycast services such as PCP `192.0.0.9` and AS112 answer from the nearest
//!   network, often the local one; none of them serves web pages);
//! - addresses that embed an IPv4 address (IPv4-mapped, IPv4-translated, NAT64's well-known
//!   prefix, 6to4, Teredo) are judged by the IPv4 address they lead to; where the embedding
//!   cannot be known (the local-use NAT64 prefix `64:ff9b:1::/48`, whose operator picks the
//!   prefix length) or is deprecated (IPv4-compatible `::/96`), the whole range is refused;
//! - IPv6 outside global unicast `2000::/3` is refused (the rest is reserved by the IETF,
//!   unique-local, link-local, site-local or multicast).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// A refused IPv4 range: first address, prefix length, what it is (with its source).
struct V4 {
    net: [u8; 4],
    len: u8,
    what: &'static str,
}

/// A refused IPv6 range.
struct V6 {
    net: [u16; 8],
    len: u8,
    what: &'static str,
}

const fn v4(net: [u8; 4], len: u8, what: &'static str) -> V4 {
    V4 { net, len, what }
}

const fn v6(net: [u16; 8], len: u8, what: &'static str) -> V6 {
    V6 { net, len, what }
}

/// IANA IPv4 Special-Purpose Address Registry, every entry (most specific ones included where
/// they say something else), plus multicast from the IPv4 Address Space Registry.
const IPV4: &[V4] = &[
    v4([0, 0, 0, 0], 8, "\"this network\" (RFC 791 §3.2)"),
    v4(
        [0, 0, 0, 0],
        32,
        "\"this host on this network\" (RFC 1122 §3.2.1.3)",
    ),
    v4([10, 0, 0, 0], 8, "private use (RFC 1918)"),
    v4(
        [100, 64, 0, 0],
        10,
        "shared address space, carrier-grade NAT (RFC 6598)",
    ),
    v4([127, 0, 0, 0], 8, "loopback (RFC 1122 §3.2.1.3)"),
    v4(
        [169, 254, 0, 0],
        16,
        "link local, cloud metadata (RFC 3927)",
    ),
    v4([172, 16, 0, 0], 12, "private use (RFC 1918)"),
    v4(
        [192, 0, 0, 0],
        24,
        "IETF protocol assignments (RFC 6890 §2.1)",
    ),
    v4(
        [192, 0, 0, 0],
        29,
        "IPv4 service continuity prefix, DS-Lite (RFC 7335)",
    ),
    v4([192, 0, 0, 8], 32, "IPv4 dummy address (RFC 7600)"),
    v4(
        [192, 0, 0, 9],
        32,
        "Port Control Protocol anycast (RFC 7723)",
    ),
    v4([192, 0, 0, 10], 32, "TURN anycast (RFC 8155)"),
    v4(
        [192, 0, 0, 170],
        32,
        "NAT64/DNS64 discovery (RFC 8880, RFC 7050 §2.2)",
    ),
    v4(
        [192, 0, 0, 171],
        32,
        "NAT64/DNS64 discovery (RFC 8880, RFC 7050 §2.2)",
    ),
    v4([192, 0, 2, 0], 24, "documentation, TEST-NET-1 (RFC 5737)"),
    v4([192, 31, 196, 0], 24, "AS112-v4 (RFC 7535)"),
    v4([192, 52, 193, 0], 24, "AMT (RFC 7450)"),
    v4(
        [192, 88, 99, 0],
        24,
        "deprecated 6to4 relay anycast (RFC 7526)",
    ),
    v4([192, 88, 99, 2], 32, "6a44 relay anycast (RFC 6751)"),
    v4([192, 168, 0, 0], 16, "private use (RFC 1918)"),
    v4(
        [192, 175, 48, 0],
        24,
        "direct delegation AS112 service (RFC 7534)",
    ),
    v4([198, 18, 0, 0], 15, "benchmarking (RFC 2544)"),
    v4(
        [198, 51, 100, 0],
        24,
        "documentation, TEST-NET-2 (RFC 5737)",
    ),
    v4([203, 0, 113, 0], 24, "documentation, TEST-NET-3 (RFC 5737)"),
    v4([224, 0, 0, 0], 4, "multicast (RFC 5771)"),
    v4([240, 0, 0, 0], 4, "reserved (RFC 1112 §4)"),
    v4(
        [255, 255, 255, 255],
        32,
        "limited broadcast (RFC 8190, RFC 919 §7)",
    ),
];

/// IANA IPv6 Special-Purpose Address Registry, every entry, plus multicast and site-local
/// from the IPv6 Address Space Registry. Ranges that embed IPv4 are in [`embedded_v4`].
const IPV6: &[V6] = &[
    v6([0; 8], 128, "unspecified (RFC 4291)"),
    v6([0, 0, 0, 0, 0, 0, 0, 1], 128, "loopback (RFC 4291)"),
    v6(
        [0; 8],
        96,
        "deprecated IPv4-compatible address (RFC 4291 §2.5.5.1)",
    ),
    v6(
        [0x64, 0xff9b, 1, 0, 0, 0, 0, 0],
        48,
        "local-use IPv4/IPv6 translation, NAT64 (RFC 8215)",
    ),
    v6([0x100, 0, 0, 0, 0, 0, 0, 0], 64, "discard-only (RFC 6666)"),
    v6(
        [0x100, 0, 0, 1, 0, 0, 0, 0],
        64,
        "dummy IPv6 prefix (RFC 9780)",
    ),
    v6(
        [0x2001, 0, 0, 0, 0, 0, 0, 0],
        23,
        "IETF protocol assignments (RFC 2928)",
    ),
    v6(
        [0x2001, 1, 0, 0, 0, 0, 0, 1],
        128,
        "Port Control Protocol anycast (RFC 7723)",
    ),
    v6(
        [0x2001, 1, 0, 0, 0, 0, 0, 2],
        128,
        "TURN anycast (RFC 8155)",
    ),
    v6(
        [0x2001, 1, 0, 0, 0, 0, 0, 3],
        128,
        "DNS-SD service registration anycast (RFC 9665)",
    ),
    v6([0x2001, 2, 0, 0, 0, 0, 0, 0], 48, "benchmarking (RFC 5180)"),
    v6([0x2001, 3, 0, 0, 0, 0, 0, 0], 32, "AMT (RFC 7450)"),
    v6([0x2001, 4, 0x112, 0, 0, 0, 0, 0], 48, "AS112-v6 (RFC 7535)"),
    v6(
        [0x2001, 0x10, 0, 0, 0, 0, 0, 0],
        28,
        "deprecated ORCHID (RFC 4843)",
    ),
    v6([0x2001, 0x20, 0, 0, 0, 0, 0, 0], 28, "ORCHIDv2 (RFC 7343)"),
    v6(
        [0x2001, 0x30, 0, 0, 0, 0, 0, 0],
        28,
        "drone remote ID entity tags (RFC 9374)",
    ),
    v6(
        [0x2001, 0xdb8, 0, 0, 0, 0, 0, 0],
        32,
        "documentation (RFC 3849)",
    ),
    v6(
        [0x2620, 0x4f, 0x8000, 0, 0, 0, 0, 0],
        48,
        "direct delegation AS112 service (RFC 7534)",
    ),
    v6(
        [0x3fff, 0, 0, 0, 0, 0, 0, 0],
        20,
        "documentation (RFC 9637)",
    ),
    v6(
        [0x5f00, 0, 0, 0, 0, 0, 0, 0],
        16,
        "segment routing SIDs (RFC 9602)",
    ),
    v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7, "unique local (RFC 4193)"),
    v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10, "link local (RFC 4291)"),
    v6(
        [0xfec0, 0, 0, 0, 0, 0, 0, 0],
        10,
        "deprecated site local (RFC 3879)",
    ),
    v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8, "multicast (RFC 4291)"),
];

fn v4_bits(ip: Ipv4Addr) -> u32 {
    u32::from(ip)
}

fn v6_bits(ip: Ipv6Addr) -> u128 {
    u128::from(ip)
}

fn in_v4(ip: u32, net: [u8; 4], len: u8) -> bool {
    let mask = if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len))
    };
    ip & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn in_v6(ip: u128, net: [u16; 8], len: u8) -> bool {
    let mask = if len == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(len))
    };
    ip & mask == u128::from(Ipv6Addr::from(net)) & mask
}

/// The most specific refused IPv4 range holding `ip`.
fn v4_entry(ip: Ipv4Addr) -> Option<&'static str> {
    let bits = v4_bits(ip);
    IPV4.iter()
        .filter(|e| in_v4(bits, e.net, e.len))
        .max_by_key(|e| e.len)
        .map(|e| e.what)
}

/// The IPv4 address an IPv6 address leads to, with the form that embeds it.
fn embedded_v4(ip: Ipv6Addr) -> Option<(Vec<Ipv4Addr>, &'static str)> {
    let bits = v6_bits(ip);
    let low = |b: u128| Ipv4Addr::from((b & 0xffff_ffff) as u32);
    if in_v6(bits, [0, 0, 0, 0, 0, 0xffff, 0, 0], 96) {
        return Some((vec![low(bits)], "IPv4-mapped (RFC 4291 §2.5.5.2)"));
    }
    if in_v6(bits, [0, 0, 0, 0, 0xffff, 0, 0, 0], 96) {
        return Some((vec![low(bits)], "IPv4-translated, SIIT (RFC 2765 §2.1)"));
    }
    if in_v6(bits, [0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96) {
        return Some((vec![low(bits)], "NAT64 well-known prefix (RFC 6052)"));
    }
    if in_v6(bits, [0x2002, 0, 0, 0, 0, 0, 0, 0], 16) {
        return Some((
            vec![Ipv4Addr::from(((bits >> 80) & 0xffff_ffff) as u32)],
            "6to4 (RFC 3056)",
        ));
    }
    if in_v6(bits, [0x2001, 0, 0, 0, 0, 0, 0, 0], 32) {
        // Teredo: the server's IPv4 in bits 32–63, the client's (inverted) in bits 96–127.
        let server = Ipv4Addr::from(((bits >> 64) & 0xffff_ffff) as u32);
        let client = Ipv4Addr::from(!((bits & 0xffff_ffff) as u32));
        return Some((vec![server, client], "Teredo (RFC 4380)"));
    }
    None
}

/// Why an address must not be connected to, or `None` for a public one.
pub fn refused(ip: IpAddr) -> Option<String> {
    match ip {
        IpAddr::V4(v4) => v4_entry(v4).map(str::to_string),
        IpAddr::V6(v6) => {
            if let Some((inner, form)) = embedded_v4(v6) {
                return inner
                    .iter()
                    .find_map(|a| v4_entry(*a).map(|why| format!("{form} of {a}: {why}")));
            }
            let bits = v6_bits(v6);
            if let Some(e) = IPV6
                .iter()
                .filter(|e| in_v6(bits, e.net, e.len))
                .max_by_key(|e| e.len)
            {
                return Some(e.what.to_string());
            }
            if !in_v6(bits, [0x2000, 0, 0, 0, 0, 0, 0, 0], 3) {
                return Some("outside global unicast 2000::/3 (RFC 4291 §2.4)".into());
            }
            None
        }
    }
}

/// Whether an address is not on the public internet (see the module's documentation).
pub fn is_non_public(ip: IpAddr) -> bool {
    refused(ip).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn why(ip: &str) -> Option<String> {
        refused(ip.parse().unwrap())
    }

    /// Each range: addresses just inside (refused, for that reason) and just outside (public,
    /// or refused for another reason).
    #[test]
    fn ipv4_ranges_inside_and_just_outside() {
        let cases: &[(&[&str], &str, &[&str])] = &[
            (&["0.0.0.1", "0.255.255.255"], "this network", &["1.0.0.0"]),
            (&["0.0.0.0"], "this host", &[]),
            (
                &["10.0.0.0", "10.255.255.255"],
                "RFC 1918",
                &["9.255.255.255", "11.0.0.0"],
            ),
            (
                &["100.64.0.0", "100.127.255.255"],
                "RFC 6598",
                &["100.63.255.255", "100.128.0.0"],
            ),
            (
                &["127.0.0.0", "127.255.255.255"],
                "loopback",
                &["126.255.255.255", "128.0.0.0"],
            ),
            (
                &["169.254.0.0", "169.254.169.254", "169.254.255.255"],
                "RFC 3927",
                &["169.253.255.255", "169.255.0.0"],
            ),
            (
                &["172.16.0.0", "172.31.255.255"],
                "RFC 1918",
                &["172.15.255.255", "172.32.0.0"],
            ),
            (
                &["192.0.0.11", "192.0.0.255"],
                "IETF protocol assignments",
                &["191.255.255.255", "192.0.1.0"],
            ),
            (&["192.0.0.0", "192.0.0.7"], "RFC 7335", &[]),
            (&["192.0.0.8"], "RFC 7600", &[]),
            (&["192.0.0.9"], "RFC 7723", &[]),
            (&["192.0.0.10"], "RFC 8155", &[]),
            (&["192.0.0.170", "192.0.0.171"], "RFC 8880", &[]),
            (
                &["192.0.2.0", "192.0.2.255"],
                "TEST-NET-1",
                &["192.0.1.255", "192.0.3.0"],
            ),
            (
                &["192.31.196.0", "192.31.196.255"],
                "RFC 7535",
                &["192.31.195.255", "192.31.197.0"],
            ),
            (
                &["192.52.193.0", "192.52.193.255"],
                "RFC 7450",
                &["192.52.192.255", "192.52.194.0"],
            ),
            (
                &["192.88.99.0", "192.88.99.255"],
                "RFC 7526",
                &["192.88.98.255", "192.88.100.0"],
            ),
            (&["192.88.99.2"], "RFC 6751", &[]),
            (
                &["192.168.0.0", "192.168.255.255"],
                "RFC 1918",
                &["192.167.255.255", "192.169.0.0"],
            ),
            (
                &["192.175.48.0", "192.175.48.255"],
                "RFC 7534",
                &["192.175.47.255", "192.175.49.0"],
            ),
            (
                &["198.18.0.0", "198.19.255.255"],
                "RFC 2544",
                &["198.17.255.255", "198.20.0.0"],
            ),
            (
                &["198.51.100.0", "198.51.100.255"],
                "TEST-NET-2",
                &["198.51.99.255", "198.51.101.0"],
            ),
            (
                &["203.0.113.0", "203.0.113.255"],
                "TEST-NET-3",
                &["203.0.112.255", "203.0.114.0"],
            ),
            (
                &["224.0.0.0", "224.0.0.1", "239.255.255.255"],
                "multicast",
                &["223.255.255.255"],
            ),
            (&["240.0.0.0", "255.255.255.254"], "reserved", &[]),
            (&["255.255.255.255"], "limited broadcast", &[]),
        ];
        check(cases);
    }

    #[test]
    fn ipv6_ranges_inside_and_just_outside() {
        let cases: &[(&[&str], &str, &[&str])] = &[
            (&["::"], "unspecified", &[]),
            (&["::1"], "loopback", &[]),
            (
                &["::2", "::127.0.0.1", "::8.8.8.8", "::ffff:ffff"],
                "IPv4-compatible",
                &[],
            ),
            (
                &["::ffff:127.0.0.1", "::ffff:10.0.0.1", "::ffff:0.0.0.0"],
                "IPv4-mapped",
                &["::ffff:8.8.8.8"],
            ),
            (
                &["::ffff:0:a9fe:a9fe", "::ffff:0:10.1.2.3"],
                "IPv4-translated",
                &["::ffff:0:8.8.8.8"],
            ),
            (
                &[
                    "64:ff9b::a9fe:a9fe",
                    "64:ff9b::10.0.0.1",
                    "64:ff9b::127.0.0.1",
                ],
                "NAT64 well-known",
                &["64:ff9b::8.8.8.8", "64:ff9b::1.1.1.1"],
            ),
            (
                &[
                    "64:ff9b:1::",
                    "64:ff9b:1::a9fe:a9fe",
                    "64:ff9b:1:ffff:ffff:ffff:ffff:ffff",
                    "64:ff9b:1:a9fe:a900::",
                ],
                "RFC 8215",
                &[],
            ),
            (&["100::", "100::ffff:ffff:ffff:ffff"], "discard-only", &[]),
            (
                &["100:0:0:1::", "100:0:0:1:ffff:ffff:ffff:ffff"],
                "RFC 9780",
                &[],
            ),
            (&["2001:0:4136:e378:8000:63bf:3fff:fdd2"], "Teredo", &[]),
            // Teredo: server 10.0.0.1, or client 192.168.1.1 (inverted: 3f57:fefe).
            (
                &["2001:0:a00:1::", "2001:0:808:808:0:0:3f57:fefe"],
                "Teredo",
                &["2001:0:808:808::f7f7:f7f7"],
            ),
            (
                &["2001:1::", "2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff"],
                "IETF protocol assignments",
                &["2001:200::", "2000:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
            ),
            (&["2001:1::1"], "RFC 7723", &[]),
            (&["2001:1::2"], "RFC 8155", &[]),
            (&["2001:1::3"], "RFC 9665", &[]),
            (
                &["2001:2::", "2001:2:0:ffff:ffff:ffff:ffff:ffff"],
                "benchmarking",
                &[],
            ),
            (
                &["2001:3::", "2001:3:ffff:ffff:ffff:ffff:ffff:ffff"],
                "AMT",
                &[],
            ),
            (
                &["2001:4:112::", "2001:4:112:ffff:ffff:ffff:ffff:ffff"],
                "AS112-v6",
                &[],
            ),
            (
                &["2001:10::", "2001:1f:ffff:ffff:ffff:ffff:ffff:ffff"],
                "RFC 4843",
                &[],
            ),
            (
                &["2001:20::", "2001:2f:ffff:ffff:ffff:ffff:ffff:ffff"],
                "ORCHIDv2",
                &[],
            ),
            (
                &["2001:30::", "2001:3f:ffff:ffff:ffff:ffff:ffff:ffff"],
                "RFC 9374",
                &[],
            ),
            (
                &["2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"],
                "RFC 3849",
                &["2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db9::"],
            ),
            (
                &["2002:c0a8:0101::1", "2002:0a00:0001::", "2002:7f00:1::"],
                "6to4",
                &[
                    "2002:0808:0808::1",
                    "2001:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                    "2003::",
                ],
            ),
            (
                &["2620:4f:8000::", "2620:4f:8000:ffff:ffff:ffff:ffff:ffff"],
                "RFC 7534",
                &["2620:4f:7fff:ffff:ffff:ffff:ffff:ffff", "2620:4f:8001::"],
            ),
            (
                &["3fff::", "3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff"],
                "RFC 9637",
                &["3fff:1000::", "3ffe:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
            ),
            (
                &["5f00::", "5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
                "RFC 9602",
                &[],
            ),
            (
                &[
                    "fc00::",
                    "fd12:3456::1",
                    "fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                ],
                "unique local",
                &[],
            ),
            (
                &[
                    "fe80::",
                    "fe80::1",
                    "febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                ],
                "link local",
                &[],
            ),
            (
                &[
                    "fec0::",
                    "fec0::1",
                    "feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                ],
                "site local",
                &[],
            ),
            (
                &[
                    "ff00::",
                    "ff02::1",
                    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                ],
                "multicast",
                &[],
            ),
            (
                &[
                    "::1:0:0",
                    "1::",
                    "1fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                    "4000::",
                    "fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                    "fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
                ],
                "global unicast",
                &["2000::", "3fff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"],
            ),
        ];
        check(cases);
    }

    fn check(cases: &[(&[&str], &str, &[&str])]) {
        for (inside, reason, outside) in cases {
            for ip in *inside {
                let got = why(ip);
                assert!(
                    got.as_deref().is_some_and(|w| w.contains(reason)),
                    "{ip}: expected refused for {reason:?}, got {got:?}"
                );
            }
            for ip in *outside {
                let got = why(ip);
                assert!(
                    got.as_deref().is_none_or(|w| !w.contains(reason)),
                    "{ip}: just outside {reason:?}, got {got:?}"
                );
            }
        }
    }

    #[test]
    fn public_addresses() {
        for ip in [
            "8.8.8.8",
            "1.1.1.1",
            "93.184.216.34",
            "172.32.0.1",
            "100.128.0.1",
            "192.0.1.0",
            "198.20.0.0",
            "223.255.255.255",
            "2606:4700:4700::1111",
            "2a00:1450:4001::200e",
            "2001:200::1",
            "::ffff:8.8.8.8",
            "::ffff:0:8.8.8.8",
            "64:ff9b::8.8.8.8",
            "2002:0808:0808::1",
            "2001:0:808:808::f7f7:f7f7",
        ] {
            assert_eq!(why(ip), None, "{ip} is public");
        }
    }
}
