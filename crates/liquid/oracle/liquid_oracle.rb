#!/usr/bin/env ruby
# frozen_string_literal: true
# Differential oracle for the jekyll-liquid crate: Liquid 5.4.0 configured the way
# Jekyll 4.3.1 configures it (error_mode :warn, line_numbers: true, Jekyll's tags and
# filters registered, render! as Jekyll::Renderer#render_liquid calls it).
#
# Reads JSON lines on stdin:
#   {"template": "...", "page": {...}, "site": {...}, "includes": {"name.html": "..."},
#    "excerpt_separator": "\n\n" (optional)}
# Writes one JSON line per input:
#   {"parse_error": {"class","message","line"} | null, "warnings": ["..."],
#    "output": "..." | null, "render_error": {"class","message","line"} | null,
#    "excerpt": {"text": "...", "parse_error": {...} | null} (with excerpt_separator)}
# "message" is what Jekyll prints after "Liquid Exception: " (Exception#message).
# The fixture site (posts, a page, a static file) is fixed: see FIXTURE below.
require 'json'
require 'tmpdir'
require 'timeout'
require 'fileutils'
require 'jekyll'

FIXTURE = {
  '_posts/2021-01-01-hello.md' => "---\ntitle: Hello\n---\nhi\n",
  '_posts/2022-03-18-foo-bar.md' => "---\ntitle: Foo\n---\nfoo\n",
  '_posts/sub/2020-05-05-nested.md' => "---\ntitle: Nested\n---\nn\n",
  'about.md' => "---\ntitle: About\n---\nabout\n",
  'assets/a.css' => "body{}\n",
}.freeze

$stdout.sync = true
dir = Dir.mktmpdir('liquid-oracle')
FIXTURE.each do |path, text|
  full = File.join(dir, path)
  FileUtils.mkdir_p(File.dirname(full))
  File.write(full, text)
end
inc_dir = File.join(dir, '_includes')
FileUtils.mkdir_p(inc_dir)
config = Jekyll.configuration(
  'source' => dir, 'destination' => File.join(dir, '_site'), 'quiet' => true
)
Jekyll.logger.log_level = :error
site = Jekyll::Site.new(config)
site.read
Liquid::Template.error_mode = :warn

# The fixture's temporary directory is printed as /SITE.
def err_json(e, dir)
  line = e.respond_to?(:line_number) ? e.line_number : nil
  { 'class' => e.class.name, 'message' => e.message.gsub(dir, '/SITE'), 'line' => line }
end

ExcerptDoc = Struct.new(:content, :excerpt_separator, :relative_path, :site)
timeout = (ENV['LIQUID_ORACLE_TIMEOUT'] || '3').to_f
$stdin.each_line do |l|
  req = JSON.parse(l)
  res = { 'parse_error' => nil, 'warnings' => [], 'output' => nil, 'render_error' => nil }
  # fresh includes for this case
  Dir.glob(File.join(inc_dir, '**', '*')).each { |f| File.delete(f) if File.file?(f) }
  (req['includes'] || {}).each do |name, text|
    full = File.join(inc_dir, name)
    FileUtils.mkdir_p(File.dirname(full))
    File.write(full, text)
  end
  site.inclusions.clear
  site.liquid_renderer.reset
  site.filter_cache.clear
  sconf = req['site'] || {}
  site.config['url'] = sconf['url']
  site.config['baseurl'] = sconf['baseurl']
  begin
    Timeout.timeout(timeout) do
      template = nil
      begin
        template = Liquid::Template.parse(req['template'], line_numbers: true)
      rescue Exception => e # rubocop:disable Lint/RescueException
        raise if e.is_a?(Timeout::Error)
        res['parse_error'] = err_json(e, dir)
      end
      if template
        res['warnings'] = template.warnings.map(&:to_s)
        payload = { 'site' => sconf, 'page' => req['page'] || {} }
        info = { registers: { site: site, page: payload['page'] },
                 strict_filters: false, strict_variables: false }
        begin
          res['output'] = template.render!(payload, info)
        rescue Exception => e # rubocop:disable Lint/RescueException
          raise if e.is_a?(Timeout::Error)
          res['render_error'] = err_json(e, dir)
        end
      end
    end
  rescue Timeout::Error
    res = { 'timeout' => true }
  end
  # The excerpt Jekyll cuts from the same content (Jekyll::Excerpt#extract_excerpt), and
  # whether it parses: its errors stop the build too when a layout or feed prints it.
  if req['excerpt_separator'] && !res['timeout']
    begin
      doc = ExcerptDoc.new(req['template'].dup, req['excerpt_separator'], '_posts/x.md', site)
      text = Jekyll::Excerpt.new(doc).content
      ex = { 'text' => text, 'parse_error' => nil }
      begin
        Liquid::Template.parse(text, line_numbers: true)
      rescue StandardError, SyntaxError => e
        ex['parse_error'] = err_json(e, dir)
      end
      res['excerpt'] = ex
    rescue StandardError => e
      res['excerpt'] = { 'oracle_error' => e.message }
    end
  end
  begin
    puts JSON.generate(res)
  rescue StandardError => e
    puts JSON.generate({ 'oracle_error' => e.message })
  end
end
