"""writer.py LOG N SEED MODE: append N nginx lines to LOG in random chunks
(1..300 lines, sometimes a line split across two writes, short random
pauses), rotating every ~N/6 lines when MODE is rename, copytruncate or
mixed (logrotate's way: LOG.K.gz shifted to LOG.K+1.gz, LOG.1 compressed to
LOG.2.gz, then LOG renamed to LOG.1, or copied to LOG.1 and truncated). No
line is written between a copy and its truncation, so every line ends up in
exactly one file. Line k is at 2026-03-01 12:00:00 + k s; every 4th a 500."""
import gzip, os, random, re, shutil, sys, time

log, n, seed, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
rnd = random.Random(seed)
d, base = os.path.split(log)


def line(k):
    return '10.0.0.1 - - [01/Mar/2026:%02d:%02d:%02d +0000] "GET /k%d HTTP/1.1" %d 1 "-" "t"\n' % (
        12 + k // 3600, k // 60 % 60, k % 60, k, 500 if k % 4 == 3 else 200)


def shift():
    pat = re.compile(re.escape(base) + r"\.(\d+)\.gz$")
    gz = sorted((int(m.group(1)) for m in map(pat.match, os.listdir(d or ".")) if m), reverse=True)
    for i in gz:
        os.rename(os.path.join(d, "%s.%d.gz" % (base, i)), os.path.join(d, "%s.%d.gz" % (base, i + 1)))
    one = log + ".1"
    if os.path.exists(one):
        tmp = os.path.join(d, "compress.tmp")  # outside the glob until complete
        with open(one, "rb") as f, gzip.open(tmp, "wb") as g:
            shutil.copyfileobj(f, g)
        os.rename(tmp, log + ".2.gz")
        os.unlink(one)


def rotate(kind):
    shift()
    if kind == "rename":
        os.rename(log, log + ".1")
        open(log, "a").close()
    else:
        shutil.copyfile(log, log + ".1")
        with open(log, "r+") as f:
            f.truncate(0)


k = 0
next_rot = n // 6
rots = 0
while k < n:
    m = min(n - k, rnd.randint(1, 300))
    text = "".join(line(i) for i in range(k, k + m))
    with open(log, "a") as f:
        if rnd.random() < 0.3:
            cut = rnd.randint(1, len(text) - 1)  # a partial line, completed a moment later
            f.write(text[:cut])
            f.flush()
            time.sleep(rnd.random() * 0.01)
            f.write(text[cut:])
        else:
            f.write(text)
    k += m
    if mode != "none" and k >= next_rot and k < n:
        kind = mode if mode != "mixed" else ("rename", "copytruncate")[rots % 2]
        rotate(kind)
        rots += 1
        next_rot += n // 6
    time.sleep(rnd.random() * 0.02)
print("wrote %d lines, %d rotations" % (n, rots))
