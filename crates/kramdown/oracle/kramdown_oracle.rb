#!/usr/bin/env ruby
# frozen_string_literal: true
# Differential oracle for the Rust kramdown parser.
# Reads JSON lines on stdin: {"text": "...", "opts": {...optional kramdown option overrides...}}
# Writes one JSON line per input: {"tree": <element>, "html": "...", "error": null}
# Options: Jekyll 4.3 kramdown defaults (input GFM, hard_wrap false, ...) with
# syntax_highlighter nil.
require 'json'
require 'kramdown'
require 'kramdown-parser-gfm'

JEKYLL_OPTS = {
  'auto_ids' => true, 'toc_levels' => (1..6).to_a, 'entity_output' => 'as_char',
  'smart_quotes' => 'lsquo,rsquo,ldquo,rdquo', 'input' => 'GFM', 'hard_wrap' => false,
  'guess_lang' => true, 'footnote_nr' => 1, 'show_warnings' => false,
  'syntax_highlighter' => nil,
  'syntax_highlighter_opts' => { 'default_lang' => 'plaintext', 'guess_lang' => true },
  'coderay' => {}
}.freeze

OPT_KEYS = %i[category content_model transparent level is_closed alignment].freeze

def ser(el, active = [])
  out = { 't' => el.type.to_s }
  v = el.value
  case el.type
  when :entity then out['v'] = v.code_point.to_s
  when :smart_quote, :typographic_sym then out['v'] = v.to_s
  when :footnote
    out['v'] = el.options[:name]
    # a footnote inside its own definition is not expanded again
    out['c'] = active.include?(el.options[:name]) ? [] : v.children.map { |c| ser(c, active + [el.options[:name]]) }
  when :header, :p, :blockquote, :ul, :ol, :li, :dl, :dt, :dd, :table, :thead, :tbody,
       :tfoot, :tr, :td, :hr, :a, :img, :em, :strong, :br, :root
    nil
  else
    out['v'] = v.to_s unless v.nil?
  end
  out['a'] = el.attr.map { |k, val| [k.to_s, val.to_s] } unless el.attr.empty?
  o = {}
  OPT_KEYS.each do |k|
    next unless el.options.key?(k)
    val = el.options[k]
    next if k == :transparent && !val
    next if k == :category && %i[p header blockquote text a br img em strong].include?(el.type)
    o[k.to_s] = val.is_a?(Array) ? val.map(&:to_s) : (val.is_a?(Symbol) ? val.to_s : val)
  end
  o['type'] = el.options[:type] if el.type == :raw && el.options[:type] && !el.options[:type].empty?
  out['o'] = o unless o.empty?
  unless el.type == :footnote
    out['c'] = el.children.map { |c| ser(c, active) } unless el.children.empty?
  end
  out
end

def convert(req)
  opts = JEKYLL_OPTS.merge(req['opts'] || {})
  doc = Kramdown::Document.new(req['text'], opts)
  html = doc.to_html
  JSON.generate({ 'tree' => ser(doc.root), 'html' => html })
rescue StandardError, SystemStackError => e
  JSON.generate({ 'error' => "#{e.class}: #{e.message}"[0, 500] })
end

# Each document is converted in a forked child with a time and memory limit:
# kramdown's regexps are superlinear on some inputs.
TIMEOUT = (ENV['KRAMDOWN_ORACLE_TIMEOUT'] || '10').to_f
$stdin.each_line do |line|
  req = begin
    JSON.parse(line)
  rescue StandardError => e
    $stdout.puts JSON.generate({ 'error' => "bad input: #{e.message}" })
    next
  end
  rd, wr = IO.pipe
  pid = fork do
    rd.close
    begin
      Process.setrlimit(Process::RLIMIT_AS, 4 * 1024 * 1024 * 1024)
    rescue StandardError
      nil
    end
    wr.write(convert(req))
    wr.close
    exit!(0)
  end
  wr.close
  out = +''
  deadline = Time.now + TIMEOUT
  loop do
    left = deadline - Time.now
    break if left <= 0
    ready = IO.select([rd], nil, nil, left)
    break unless ready
    chunk = rd.read_nonblock(1 << 20, exception: false)
    break if chunk.nil?
    out << chunk unless chunk == :wait_readable
  end
  done = Process.waitpid(pid, Process::WNOHANG)
  unless done
    Process.kill('KILL', pid) rescue nil
    Process.waitpid(pid) rescue nil
  end
  rd.close
  out = JSON.generate({ 'error' => 'timeout or crash' }) if out.empty? || (!done && Time.now >= deadline)
  $stdout.puts out
  $stdout.flush
end
