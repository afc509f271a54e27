#!/bin/bash
# Runs the cmocka unit test programs; any failure fails the tier.
rc=0
for t in "$@"; do "$t" || rc=1; done
exit $rc
