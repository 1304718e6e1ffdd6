# Render every post of the site in ARGV[0] as `jekyll build` does (Jekyll::Renderer on each
# document, the site read and generated first), one post at a time so that a post kramdown
# fails on is reported instead of stopping the run. Prints JSON: {relative_path: {"output": …}
# or {"error": …}}.
require "jekyll"
require "json"
require "timeout"

source = ARGV.fetch(0)
config = Jekyll.configuration("source" => source, "destination" => File.join(source, "_site"),
                              "quiet" => true)
Jekyll.logger.log_level = :error
site = Jekyll::Site.new(config)
site.reset
site.read
site.generate
out = {}
site.posts.docs.each do |doc|
  begin
    Timeout.timeout(20) do
      out[doc.relative_path] = { "output" => Jekyll::Renderer.new(site, doc, site.site_payload).run }
    end
  rescue StandardError, ScriptError, SystemStackError, NoMemoryError, Timeout::Error => e
    out[doc.relative_path] = { "error" => "#{e.class}: #{e.message.lines.first}" }
  end
end
puts JSON.generate(out)
