# Differential oracle: reads JSON lines {"yaml": "..."} on stdin, writes one JSON line per
# input with what Psych 4 (libyaml 0.2.5) makes of it:
#   parse: {"err": {line, column, offset, problem, context}} or {"doc": tree or null}
#   load:  typed value of Psych.safe_load(yaml, permitted_classes: [Date, Time], aliases: true)
# Run with the TZ the comparison assumes (the caller sets it).
require 'json'
require 'psych'
require 'date'

$stdout.sync = true

def node_json(n)
  h = { 's' => [n.start_line, n.start_column], 'e' => [n.end_line, n.end_column] }
  h['tag'] = n.tag if n.respond_to?(:tag) && n.tag
  h['anchor'] = n.anchor if n.respond_to?(:anchor) && n.anchor && !n.is_a?(Psych::Nodes::Alias)
  case n
  when Psych::Nodes::Scalar
    h['k'] = 'scalar'
    h['v'] = n.value.dup.force_encoding('UTF-8').scrub
    h['style'] = n.style
  when Psych::Nodes::Sequence
    h['k'] = 'seq'
    h['c'] = n.children.map { |c| node_json(c) }
  when Psych::Nodes::Mapping
    h['k'] = 'map'
    h['c'] = n.children.map { |c| node_json(c) }
  when Psych::Nodes::Alias
    h['k'] = 'alias'
    h['a'] = n.anchor
  end
  h
end

def value_json(v, path = {})
  case v
  when nil then { 't' => 'null' }
  when true, false then { 't' => 'bool', 'v' => v }
  when Integer then { 't' => 'int', 'v' => v.to_s }
  when Float
    { 't' => 'float', 'v' => v.nan? ? 'nan' : [v].pack('G').unpack1('Q>').to_s }
  when String then { 't' => 'str', 'v' => v.dup.force_encoding('UTF-8').scrub }
  when Symbol then { 't' => 'sym', 'v' => v.to_s }
  when DateTime then { 't' => 'other', 'v' => v.class.name }
  when Date then { 't' => 'date', 'v' => v.to_s }
  when Time
    { 't' => 'time', 'v' => v.to_s, 'unix' => v.to_i, 'subsec' => v.subsec.to_s,
      'off' => v.utc_offset, 'utc' => v.utc? }
  when Array, Hash
    return { 't' => 'cycle' } if path[v.object_id]
    path[v.object_id] = true
    r = if v.is_a?(Array)
          { 't' => 'seq', 'v' => v.map { |x| value_json(x, path) } }
        else
          { 't' => 'map', 'v' => v.map { |k, x| [value_json(k, path), value_json(x, path)] } }
        end
    path.delete(v.object_id)
    r
  else { 't' => 'other', 'v' => v.class.name }
  end
end

$stdin.each_line do |line|
  input = JSON.parse(line)
  yaml = input['yaml']
  out = {}
  begin
    doc = Psych.parse(yaml)
    out['parse'] = { 'doc' => doc ? node_json(doc.root) : nil }
  rescue Psych::SyntaxError => e
    out['parse'] = { 'err' => { 'line' => e.line, 'column' => e.column, 'offset' => e.offset,
                                'problem' => e.problem, 'context' => e.context } }
  rescue Exception => e
    out['parse'] = { 'exc' => e.class.name }
  end
  if out['parse']['doc'] || out['parse'].key?('doc')
    begin
      v = Psych.safe_load(yaml, permitted_classes: [Date, Time], aliases: true)
      out['load'] = value_json(v)
    rescue SystemStackError => e
      out['load'] = { 't' => 'error', 'class' => 'SystemStackError' }
    rescue Exception => e
      out['load'] = { 't' => 'error', 'class' => e.class.name }
    end
  end
  puts JSON.generate(out, max_nesting: false)
end
