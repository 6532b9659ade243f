#!/usr/bin/env bash
# Runs the browser test of kamscope's web UI against a running kamscope.
#   KAMSCOPE_URL=http://127.0.0.1:8080 KAMSCOPE_EXPECT_USERS=alice,bob \
#   KAMSCOPE_DELETE_USER=bob KAMSCOPE_EXPECT_DIALOGS=2 \
#   KAMSCOPE_CDR_CALLER=carol KAMSCOPE_CDR_ANSWERED=3 KAMSCOPE_CDR_BUSY=2 KAMSCOPE_CDR_FAILED=3 \
#   KAMSCOPE_CLEANUP_DB=/path/kamailio.sqlite KAMSCOPE_PRESENCE_DB=/path/kamailio.sqlite KAMSCOPE_MSG_SCRIPT_FROM=mallory \
#   [KAMSCOPE_MULTI_NODE_URL=http://127.0.0.1:8081] tests/browser/run.sh
# Needs node >= 18 and Chromium at /usr/bin/chromium (apt-get install chromium).
# playwright-core stays at 1.61.x, the last release that runs on Node 18 (Debian 12's
# nodejs is 18.20; 1.62+ exits with "Playwright requires Node.js 20 or higher").
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
npm ci --no-audit --no-fund || npm install --no-audit --no-fund
export KAMSCOPE_SCREENSHOT_DIR="${KAMSCOPE_SCREENSHOT_DIR:-$(cd ../.. && pwd)/tests/output/screenshots}"
exec node --test --test-concurrency=1 --test-reporter=spec "$@" locations.test.mjs dialogs.test.mjs monitoring.test.mjs cdr.test.mjs topos.test.mjs siptrace.test.mjs presence.test.mjs nodes.test.mjs
