# frozen_string_literal: true

# postlint's site oracle: loaded into `jekyll build` (with `ruby -r`, so that it also runs in safe
# mode, where Jekyll loads no plugin file), it dumps what Jekyll 4.3's reader and the generators
# made of a site, as JSON, to the file named by POSTLINT_ORACLE_OUT, at `:site, :pre_render`
# (after every generator ran). Set POSTLINT_ORACLE_STOP=1 to end the build there (no rendering,
# no writing: faster, and a site whose rendering fails still gets its dump).
#
# How the files Jekyll read but will not write are found:
# - every Document and Page is seen when it is created (`:documents`/`:pages, :post_init`);
#   one that is missing from `site.posts.docs`, the collections' `docs` or `site.pages` after
#   reading was read and dropped: the reason is found with Jekyll's own predicates
#   (content nil, not valid UTF-8, `Publisher#can_be_published?`, `hidden_in_the_future?`,
#   `Document#published?`, `limit_posts`);
# - kept objects that will not be written are found with their own `write?`;
# - read errors (YAML or others, which Jekyll logs and goes on) are taken from the log;
# - files of the source that no object stands for are listed in `unread`.

require "jekyll"
require "json"
require "find"
require "set"

module PostlintOracle
  @created = []
  @log = []
  @read_objects = nil
  @generated_by = {}

  class << self
    attr_reader :created, :log, :generated_by
    attr_accessor :read_objects
  end

  # Captures warnings and errors (read errors are only logged by Jekyll).
  module LogCapture
    def warn(topic, message = nil, &block)
      PostlintOracle.log << ["warn", topic.to_s, message.to_s]
      super
    end

    def error(topic, message = nil, &block)
      PostlintOracle.log << ["error", topic.to_s, message.to_s]
      super
    end
  end
  Jekyll::LogAdapter.prepend(LogCapture)

  # Attributes each page a generator adds to that generator.
  module GeneratorTrace
    def generate(site)
      before = site.pages.map(&:object_id).to_set
      before_static = site.static_files.map(&:object_id).to_set
      super
    ensure
      (site.pages + site.static_files).each do |p|
        next if before.include?(p.object_id) || before_static.include?(p.object_id)

        PostlintOracle.generated_by[p.object_id] ||= self.class.name
      end
    end
  end

  def self.trace_generators(site)
    site.generators.each do |g|
      g.singleton_class.prepend(GeneratorTrace) unless g.singleton_class < GeneratorTrace
    end
  end

  def self.iso(time)
    return nil if time.nil?
    return time.to_s unless time.respond_to?(:strftime) && time.respond_to?(:nsec)

    frac = time.nsec.zero? ? "" : format(".%09d", time.nsec)
    time.strftime("%Y-%m-%dT%H:%M:%S") + frac + time.strftime("%:z")
  end

  # A YAML value as JSON (Date and Time as Ruby's to_s, like `to_json` would).
  def self.jsonable(value)
    case value
    when Hash then value.each_with_object({}) { |(k, v), h| h[k.to_s] = jsonable(v) }
    when Array then value.map { |v| jsonable(v) }
    when Time, Date, Symbol then value.to_s
    when Float then value.finite? ? value : value.to_s
    when String, Integer, true, false, nil then value
    else value.to_s
    end
  end

  def self.rel(site, path)
    return nil if path.nil?

    src = "#{site.source}/"
    path.start_with?(src) ? path.delete_prefix(src) : path
  end

  def self.dest_rel(site, thing)
    d = thing.destination(site.dest)
    d.delete_prefix("#{site.dest}/")
  rescue StandardError => e
    "!error: #{e.class}: #{e.message}"
  end

  def self.safe_url(thing)
    thing.url
  rescue StandardError => e
    "!error: #{e.class}: #{e.message}"
  end

  def self.doc_reason(site, doc)
    if doc.content.nil?
      "nil_content"
    elsif !doc.content.valid_encoding?
      "invalid_encoding"
    elsif !(doc.data.fetch("published", true) || site.unpublished)
      "unpublished"
    elsif site.publisher.hidden_in_the_future?(doc)
      "future"
    end
  end

  def self.read_error_for(site, abs)
    PostlintOracle.log.each do |_lvl, topic, message|
      msg = "#{topic} #{message}"
      next unless msg.include?(abs)

      return msg if msg.include?("YAML Exception") || msg.include?("could not read file") ||
                    msg.include?("Error reading file")
    end
    nil
  end

  def self.document_entry(site, doc, kept)
    coll = doc.collection&.label
    kind = if coll == "posts"
             doc.draft? ? "draft" : "post"
           else
             "document"
           end
    reason = nil
    written = false
    if kept
      written = doc.write?
      unless written
        reason = if !doc.collection.write?
                   "output_false"
                 elsif !(doc.data.fetch("published", true) || site.unpublished)
                   "unpublished"
                 elsif site.publisher.hidden_in_the_future?(doc)
                   "future"
                 else
                   "not_written"
                 end
      end
    else
      reason = if coll == "posts"
                 doc_reason(site, doc) || "limit_posts"
               else
                 "unpublished"
               end
    end
    date = begin
      iso(doc.date)
    rescue StandardError => e
      "!error: #{e.class}: #{e.message}"
    end
    {
      "kind"        => kind,
      "collection"  => coll,
      "path"        => rel(site, doc.path),
      "written"     => written,
      "skipped"     => reason,
      "url"         => safe_url(doc),
      "destination" => dest_rel(site, doc),
      "date"        => date,
      "slug"        => jsonable(doc.data["slug"]),
      "categories"  => jsonable(doc.data["categories"]),
      "tags"        => jsonable(doc.data["tags"]),
      "read_error"  => !read_error_for(site, doc.path).nil?,
      "generator"   => nil,
    }
  end

  def self.page_entry(site, page, kept)
    generated = kept && !PostlintOracle.read_objects.include?(page.object_id)
    src = page.instance_variable_get(:@path)
    reason = kept ? nil : "unpublished"
    {
      "kind"        => generated ? "generated" : "page",
      "collection"  => nil,
      "path"        => generated ? nil : rel(site, src),
      "written"     => kept,
      "skipped"     => reason,
      "url"         => safe_url(page),
      "destination" => dest_rel(site, page),
      "date"        => nil,
      "slug"        => nil,
      "categories"  => nil,
      "tags"        => nil,
      "read_error"  => !generated && !read_error_for(site, src.to_s).nil?,
      "generator"   => generated ? (PostlintOracle.generated_by[page.object_id] || page.class.name) : nil,
    }
  end

  def self.static_entry(site, file)
    generated = !PostlintOracle.read_objects.include?(file.object_id)
    coll = file.instance_variable_get(:@collection)
    written = file.write?
    reason = nil
    unless written
      reason = coll && !coll.write? ? "output_false" : "unpublished"
    end
    {
      "kind"        => generated ? "generated" : "static",
      "collection"  => coll&.label,
      "path"        => generated ? nil : rel(site, file.path),
      "written"     => written,
      "skipped"     => reason,
      "url"         => safe_url(file),
      "destination" => dest_rel(site, file),
      "date"        => nil,
      "slug"        => nil,
      "categories"  => nil,
      "tags"        => nil,
      "read_error"  => false,
      "generator"   => generated ? (PostlintOracle.generated_by[file.object_id] || file.class.name) : nil,
    }
  end

  def self.unread(site, accounted)
    out = []
    Find.find(site.source) do |path|
      next if path == site.source
      next if File.directory?(path)

      r = rel(site, path)
      out << r unless accounted.include?(r)
    end
    out.sort
  end

  def self.config_dump(site)
    c = site.config
    {
      "baseurl"         => jsonable(c["baseurl"]),
      "url"             => jsonable(c["url"]),
      "permalink"       => jsonable(c["permalink"]),
      "timezone"        => jsonable(c["timezone"]),
      "collections_dir" => jsonable(c["collections_dir"]),
      "collections"     => site.collections.each_with_object({}) do |(label, coll), h|
        h[label] = {
          "output"       => coll.write?,
          "url_template" => (coll.url_template rescue "!error"),
          "directory"    => rel(site, coll.directory),
        }
      end,
      "defaults"        => jsonable(c["defaults"]),
      "include"         => jsonable(c["include"]),
      "exclude"         => jsonable(c["exclude"]),
      "keep_files"      => jsonable(c["keep_files"]),
      "markdown_ext"    => jsonable(c["markdown_ext"]),
      "future"          => jsonable(site.future),
      "unpublished"     => jsonable(site.unpublished),
      "show_drafts"     => jsonable(site.show_drafts),
      "limit_posts"     => jsonable(site.limit_posts),
      "safe"            => jsonable(site.safe),
      "plugins"         => jsonable(site.gems),
      "theme"           => site.theme&.name,
      "time"            => iso(site.time),
      "env_tz"          => ENV["TZ"],
    }
  end

  def self.dump(site)
    docs_kept = Set.new
    site.collections.each_value { |c| c.docs.each { |d| docs_kept << d.object_id } }
    pages_kept = site.pages.map(&:object_id).to_set
    files = []
    seen = Set.new
    PostlintOracle.created.each do |obj|
      next if seen.include?(obj.object_id)

      seen << obj.object_id
      if obj.is_a?(Jekyll::Document)
        files << document_entry(site, obj, docs_kept.include?(obj.object_id))
      elsif obj.is_a?(Jekyll::Page)
        next if pages_kept.include?(obj.object_id)
        # a page created outside the reader and dropped (e.g. jekyll-redirect-from's
        # redirect_to page): not part of the site
        next unless PostlintOracle.read_phase_pages.include?(obj.object_id)

        files << page_entry(site, obj, false)
      end
    end
    site.collections.each_value do |c|
      c.docs.each do |d|
        next if seen.include?(d.object_id)

        seen << d.object_id
        files << document_entry(site, d, true)
      end
    end
    site.pages.each { |p| files << page_entry(site, p, true) }
    site.static_files.each { |f| files << static_entry(site, f) }
    files.sort_by! { |f| [f["path"] || "", f["kind"], f["url"].to_s, f["destination"].to_s] }
    accounted = files.map { |f| f["path"] }.compact.to_set
    {
      "oracle"  => "jekyll #{Jekyll::VERSION}",
      "config"  => config_dump(site),
      "files"   => files,
      "unread"  => unread(site, accounted),
      "log"     => PostlintOracle.log.select { |l| l[0] == "error" || l[2].include?("YAML") },
    }
  end

  @read_phase_pages = Set.new
  class << self
    attr_reader :read_phase_pages
  end
  @reading = true
  class << self
    attr_accessor :reading
  end
end

Jekyll::Hooks.register :documents, :post_init do |doc|
  PostlintOracle.created << doc
end

Jekyll::Hooks.register :pages, :post_init do |page|
  PostlintOracle.created << page
  PostlintOracle.read_phase_pages << page.object_id if PostlintOracle.reading
end

Jekyll::Hooks.register :site, :after_reset do |_site|
  PostlintOracle.created.clear
  PostlintOracle.read_phase_pages.clear
  PostlintOracle.reading = true
end

Jekyll::Hooks.register :site, :post_read do |site|
  PostlintOracle.reading = false
  ids = Set.new
  site.pages.each { |p| ids << p.object_id }
  site.static_files.each { |f| ids << f.object_id }
  PostlintOracle.read_objects = ids
  PostlintOracle.trace_generators(site)
end

Jekyll::Hooks.register :site, :pre_render do |site, _payload|
  out = ENV["POSTLINT_ORACLE_OUT"]
  if out
    File.write(out, JSON.pretty_generate(PostlintOracle.dump(site)))
    if ENV["POSTLINT_ORACLE_STOP"] == "1"
      $stdout.flush
      $stderr.flush
      exit!(0)
    end
  end
end
