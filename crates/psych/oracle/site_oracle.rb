# Differential oracle for psych::site_keys: reads JSON lines {"yaml": "..."} (a front matter
# as Jekyll hands it to safe_load) and writes what Jekyll's helpers make of the site keys:
#   {"err": class} | {"notahash": true} |
#   {"keys": [...], "published": bool, "cats": [...]|"raise", "tags": [...]|"raise",
#    "slug": to_s|null, "permalink": to_s|null, "date": to_s|null}
require 'json'
require 'jekyll'

$stdout.sync = true
KEYS = %w[date categories category tags tag slug permalink published].freeze

def plural(data, s, p)
  Jekyll::Utils.pluralized_array_from_hash(data, s, p).map(&:to_s)
rescue ArgumentError
  'raise'
end

$stdin.each_line do |line|
  input = JSON.parse(line)
  out = begin
    data = Jekyll::Utils.safe_load_yaml(input['yaml'])
    if !data
      data = {}
    end
    if data.is_a?(Hash)
      {
        'keys' => KEYS.select { |k| data.key?(k) },
        'published' => !(data.key?('published') && data['published'] == false),
        'cats' => plural(data, 'category', 'categories'),
        'tags' => plural(data, 'tag', 'tags'),
        'slug' => data.key?('slug') ? data['slug'].to_s : nil,
        'permalink' => data.key?('permalink') ? data['permalink'].to_s : nil,
        'date' => data.key?('date') ? data['date'].to_s : nil,
      }
    else
      { 'notahash' => true }
    end
  rescue Psych::SyntaxError
    { 'err' => 'Psych::SyntaxError' }
  rescue StandardError => e
    { 'err' => e.class.name }
  end
  puts JSON.generate(out)
end
