# Differential oracle for dates. Reads JSON lines, writes one JSON line each.
#   {"s": STRING, "now": UNIX_SECONDS}      -> Time.parse(STRING, Time.at(now))
#   {"fm": YAML, "now": UNIX_SECONDS}       -> Jekyll's dating of the front matter's `date`:
#        Psych.safe_load (Jekyll's arguments), data["date"].to_s, Time.parse(...).localtime
# The caller sets TZ. Times are reported as unix seconds, subsec, utc_offset, utc?, to_s.
require 'json'
require 'psych'
require 'date'
require 'time'

$stdout.sync = true

def time_json(t)
  { 'unix' => t.to_i, 'subsec' => t.subsec.to_s, 'off' => t.utc_offset, 'utc' => t.utc?,
    'v' => t.to_s }
end

$stdin.each_line do |line|
  input = JSON.parse(line)
  now = Time.at(input['now'] || 1_764_547_200)
  out = {}
  if input.key?('s')
    begin
      out['ok'] = time_json(Time.parse(input['s'], now))
    rescue Exception => e
      out['err'] = e.class.name
    end
  else
    begin
      data = Psych.safe_load(input['fm'], permitted_classes: [Date, Time], aliases: true)
      if data.is_a?(Hash) && data.key?('date')
        s = data['date'].to_s
        out['input'] = s
        out['class'] = data['date'].class.name
        begin
          out['ok'] = time_json(Time.parse(s, now).localtime)
        rescue Exception => e
          out['err'] = e.class.name
        end
      else
        out['none'] = true
      end
    rescue Exception => e
      out['yaml_err'] = e.class.name
    end
  end
  puts JSON.generate(out)
end
