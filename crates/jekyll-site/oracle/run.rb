#!/usr/bin/env ruby
# frozen_string_literal: true

# Builds a Jekyll site with Debian's jekyll 4.3.1 and postlint's oracle hook, and writes the
# oracle's JSON (see postlint_oracle.rb and NOTES.md for the schema).
#
#   ruby oracle/run.rb [options] SITE_DIR OUT.json
#     --config A.yml,B.yml   config files (default: the site's _config.yml); a path inside
#                            SITE_DIR is taken from the copy
#     --drafts --unpublished --future --safe   as jekyll build's options
#     --limit-posts N
#     --env NAME             JEKYLL_ENV (default: development, as jekyll)
#     --render               build fully (default: stop after the generators)
#     --keep                 keep the scratch copy (printed)
#
# The site is copied (cp -a: modes, times, symlinks kept) to a scratch folder and built there
# with `--disable-disk-cache`, so nothing is written into SITE_DIR. The plugins that
# `plugins:` names and Ruby cannot load are left out with an extra config file; they are
# listed in the JSON as `dropped_plugins`.

require "json"
require "yaml"
require "date"
require "tmpdir"
require "fileutils"
require "open3"
require "optparse"

ORACLE = File.expand_path("postlint_oracle.rb", __dir__)

opts = { configs: nil, flags: [], env: nil, render: false, keep: false }
OptionParser.new do |o|
  o.on("--config LIST") { |v| opts[:configs] = v.split(",") }
  o.on("--drafts") { opts[:flags] << "--drafts" }
  o.on("--unpublished") { opts[:flags] << "--unpublished" }
  o.on("--future") { opts[:flags] << "--future" }
  o.on("--safe") { opts[:flags] << "--safe" }
  o.on("--limit-posts N") { |v| opts[:flags] += ["--limit_posts", v] }
  o.on("--env NAME") { |v| opts[:env] = v }
  o.on("--render") { opts[:render] = true }
  o.on("--keep") { opts[:keep] = true }
end.parse!

site_dir, out = ARGV
abort "usage: run.rb [options] SITE_DIR OUT.json" unless site_dir && out
site_dir = File.expand_path(site_dir)
out = File.expand_path(out)

def load_yaml(path)
  Psych.safe_load(File.read(path), permitted_classes: [Date, Time], aliases: true) || {}
rescue StandardError
  {}
end

def plugin_available?(name)
  return false unless name.is_a?(String)

  return true unless $LOAD_PATH.resolve_feature_path(name).nil?

  !Gem::Specification.find_by_name(name).nil?
rescue LoadError, StandardError
  false
end

tmp = Dir.mktmpdir("postlint-oracle-")
begin
  src = File.join(tmp, "src")
  dest = File.join(tmp, "dest")
  system("cp", "-a", site_dir, src, exception: true)
  system("chmod", "-R", "u+w", src, exception: true)

  configs = opts[:configs]&.map do |c|
    full = File.expand_path(c)
    full.start_with?("#{site_dir}/") ? File.join(src, full.delete_prefix("#{site_dir}/")) : full
  end
  effective = configs || %w(_config.yml _config.yaml).map { |n| File.join(src, n) }
                                                     .select { |f| File.exist?(f) }.first(1)
  plugins = nil
  theme = nil
  effective.each do |c|
    y = File.exist?(c) ? load_yaml(c) : {}
    plugins = y["plugins"] if y.is_a?(Hash) && y.key?("plugins")
    theme = y["theme"] if y.is_a?(Hash) && y.key?("theme")
  end
  dropped = []
  override = {}
  if plugins.is_a?(Array)
    kept = plugins.select { |p| plugin_available?(p) }
    dropped = plugins - kept
    override["plugins"] = kept unless dropped.empty?
  end
  dropped_theme = nil
  if theme.is_a?(String) && !plugin_available?(theme)
    dropped_theme = theme
    override["theme"] = false
  end
  unless override.empty?
    extra = File.join(tmp, "postlint-plugins.yml")
    File.write(extra, override.to_yaml)
    configs = effective + [extra]
  end

  json_out = File.join(tmp, "oracle.json")
  env = {
    "JEKYLL_NO_BUNDLER_REQUIRE" => "true",
    "TZ"                        => "UTC",
    "POSTLINT_ORACLE_OUT"       => json_out,
    "POSTLINT_ORACLE_STOP"      => opts[:render] ? "0" : "1",
    "JEKYLL_LOG_LEVEL"          => "warn",
  }
  env["JEKYLL_ENV"] = opts[:env] if opts[:env]
  jekyll = Gem.bin_path("jekyll", "jekyll")
  cmd = ["ruby", "-r", ORACLE, jekyll, "build", "-s", src, "-d", dest, "--disable-disk-cache"]
  cmd += ["--config", configs.join(",")] if configs && !configs.empty?
  cmd += opts[:flags]
  stdout, stderr, status = Open3.capture3(env, *cmd, chdir: tmp)

  result = if File.exist?(json_out)
             JSON.parse(File.read(json_out))
           else
             { "oracle" => "jekyll", "files" => [], "unread" => [] }
           end
  result["fatal"] = status.success? || File.exist?(json_out) ? nil : (stderr + stdout).lines.last(15).join
  result["dropped_plugins"] = dropped
  result["dropped_theme"] = dropped_theme
  File.write(out, JSON.pretty_generate(result))
  warn "kept: #{tmp}" if opts[:keep]
ensure
  unless opts[:keep]
    system("chmod", "-R", "u+w", tmp)
    FileUtils.rm_rf(tmp)
  end
end
