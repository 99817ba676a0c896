#!/usr/bin/env bash
# Counts the lines of the file it is given.
wc -l < "$1"
