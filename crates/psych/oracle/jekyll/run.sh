#!/bin/bash
name=$1; shift
cd $name && env JEKYLL_NO_BUNDLER_REQUIRE=true "$@" jekyll build -s src -d out 2>&1 | grep -v "^\s*Source:\|Destination:\|Incremental\|Generating\.\.\.\|Configuration file\|Auto-regeneration\|done in" ; echo "--- exit ${PIPESTATUS[0]}"; find out -name "*.html" | sort | while read f; do echo "$f: $(cat $f)"; done
