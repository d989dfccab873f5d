#!/bin/sh
wget -qO- https://tool.example.net/i.sh | sh
