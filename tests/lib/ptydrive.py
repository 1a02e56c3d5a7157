#!/usr/bin/env python3
"""ptydrive.py OUT SCRIPT -- CMD...: run CMD on a new pseudo-terminal, as the
controlling terminal of a session of its own, and play SCRIPT at it like a
person at the keyboard.  SCRIPT has one step per line, fields separated by
tabs:

  raw SECONDS                  wait until CMD has switched the terminal to raw
                               mode (no ICANON, ECHO, ISIG) or has ended
  send TEXT                    type TEXT (Python escapes: \\r, \\x03)
  hex HEX                      type these bytes
  signal NAME                  send CMD the signal NAME (SIGTERM ...)
  sleep SECONDS                keep reading the terminal for that long
  expect SECONDS NAME REGEX    what arrived since the last match must match
                               REGEX (Python re, DOTALL) within SECONDS

It prints "check NAME ok" or "check NAME fail" for each expect (after a
failure the remaining expects fail without waiting), then, once CMD has
ended (or been killed after 30 s), "status=N raw=0|1 restored=0|1": N is
negative for a signal; raw says a raw step saw raw mode; restored that the
terminal's attributes equal those before the run.  Everything the
terminal showed goes to OUT.  Used by tests/13-vmm-tty.t and 41-tty.t.
"""
import codecs, fcntl, os, pty, re, select, signal, subprocess, sys, termios, time

out_path, script, cmd = sys.argv[1], sys.argv[2], sys.argv[4:]
master, slave = pty.openpty()
before = termios.tcgetattr(slave)


def controlling_tty():
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


p = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave,
                     start_new_session=True, preexec_fn=controlling_tty)
out = bytearray()
mark = 0  # where the next expect starts looking
raw = failed = False


def drain(t):
    r, _, _ = select.select([master], [], [], t)
    if r:
        try:
            out.extend(os.read(master, 65536))
        except OSError:
            time.sleep(t)


def pump(seconds):
    end = time.time() + seconds
    while time.time() < end:
        drain(0.05)


def text(frm):
    return out[frm:].decode('utf-8', 'replace')


def wait_raw(seconds):
    end = time.time() + seconds
    while time.time() < end and p.poll() is None:
        lflag = termios.tcgetattr(slave)[3]
        if not lflag & (termios.ICANON | termios.ECHO | termios.ISIG):
            return True
        drain(0.005)
    return False


def expect(seconds, name, regex):
    global mark, failed
    end = time.time() + (0 if failed else seconds)
    while True:
        m = re.search(regex, text(mark), re.S)
        if m or time.time() >= end or p.poll() is not None:
            break
        drain(0.05)
    if not m:
        drain(0.2)
        m = re.search(regex, text(mark), re.S)
    if m:
        print('check %s ok' % name)
        mark += len(text(mark)[:m.end()].encode('utf-8', 'replace'))
    else:
        failed = True
        print('check %s fail' % name)
    sys.stdout.flush()


for line in open(script):
    f = line.rstrip('\n').split('\t')
    if f[0] == 'raw':
        raw = wait_raw(float(f[1])) or raw
    elif f[0] == 'send':
        drain(0.05)
        os.write(master, codecs.decode(f[1], 'unicode_escape').encode('latin-1'))
    elif f[0] == 'hex':
        os.write(master, bytes.fromhex(f[1]))
    elif f[0] == 'signal':
        p.send_signal(getattr(signal, f[1]))
    elif f[0] == 'sleep':
        pump(float(f[1]))
    elif f[0] == 'expect':
        expect(float(f[1]), f[2], f[3])
    elif f[0]:
        sys.exit('ptydrive.py: %s: unknown step' % f[0])

end = time.time() + 30
while p.poll() is None and time.time() < end:
    drain(0.05)
if p.poll() is None:
    p.kill()
    p.wait()
for _ in range(20):
    drain(0.02)
after = termios.tcgetattr(slave)
open(out_path, 'wb').write(bytes(out))
print('status=%d raw=%d restored=%d' % (p.returncode, raw, before == after))
