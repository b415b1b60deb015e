#!/bin/sh
# t-setup.sh - runs t-setup.py ("outpost setup" end to end, TAP).
top=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
exec "${PYTHON:-python3}" "$top/tests/setup/t-setup.py"
