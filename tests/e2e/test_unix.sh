#!/usr/bin/env bash
# Unix domain sockets end to end: exact sender -> receiver edges with their
# bytes for stream, datagram and seqpacket sockets, path, abstract and unnamed
# names, SCM_RIGHTS and SCM_CREDENTIALS, connect -> accept, payloads (-x),
# edges that must not appear, and a real server from Debian (redis-server).
. "$(dirname "$0")/lib.sh"
require_root "unix tests"
require_kind unix

U='.kind=="unix"'
DATA="$U and (has(\"event\")|not)"     # data edges (not connections)

# --- the IPC notes' example: a server and a client over a path socket
SOCK=$TMP/notes.sock
trace notes -t unix -- "$DEMOS/unix_notes" "$SOCK"
expect_eq "notes: exit status is the command's" "$RC" 0
S=$(pid_of notes server) C=$(pid_of notes client)
expect_valid_json notes
expect_edges notes "notes: client -> server connect, accepted, over the path" \
	"$U and .event==\"connect\" and .src.pid==$C and .dst.pid==$S and .object==\"$SOCK\" and .server==\"dst\" and .socket_type==\"stream\" and .exact and (has(\"bytes\")|not)" 1
expect_edges notes "notes: 3 requests client -> server, 13 bytes each, exact" \
	"$DATA and .src.pid==$C and .dst.pid==$S and .bytes==13 and .exact and .object==\"$SOCK\" and .server==\"dst\" and .socket_type==\"stream\" and .src.comm==\"unix_notes\" and .messages==1" 3
expect_edges notes "notes: 3 replies server -> client, 18 bytes each" \
	"$DATA and .src.pid==$S and .dst.pid==$C and .bytes==18 and .exact and .object==\"$SOCK\" and .server==\"src\"" 3
expect_edges notes "notes: exactly 7 unix edges" "$U" 7
expect_edges notes "notes: no unknown end, no inferred edge" ".src.known==false or .dst.known==false or .exact==false" 0
expect_edges notes "notes: no payload without -x" "has(\"data\")" 0
expect_edges notes "notes: ipcsnoop itself never appears" ".src.comm==\"ipcsnoop\" or .dst.comm==\"ipcsnoop\"" 0
expect_edges notes "notes: inodes of both ends are given" "$DATA and (.src_inode|type)==\"number\" and (.dst_inode|type)==\"number\" and .src_inode!=.dst_inode" 6

# --- a datagram exchange: send/write/sendmsg -> recvfrom; sendto -> read/recv/recvmsg
SOCK=$TMP/dgram.sock
trace dgram -t unix -- "$DEMOS/unix_dgram" "$SOCK"
expect_eq "dgram: exit status" "$RC" 0
S=$(pid_of dgram server) C=$(pid_of dgram client)
for n in 4 100 1; do
	expect_edges dgram "dgram: client -> server one datagram of $n bytes" \
		"$DATA and .src.pid==$C and .dst.pid==$S and .bytes==$n and .socket_type==\"dgram\" and .object==\"$SOCK\" and .server==\"dst\" and .exact" 1
done
expect_edges dgram "dgram: 3 answers server -> client of 5 bytes" \
	"$DATA and .src.pid==$S and .dst.pid==$C and .bytes==5 and .object==\"$SOCK\" and .server==\"src\" and .exact" 3
expect_edges dgram "dgram: exactly 6 edges, no connection edge" "$U" 6
expect_edges dgram "dgram: nothing sent to itself" ".src.pid==.dst.pid" 0

# --- a socketpair between parent and child (unnamed)
trace pair -t unix -- "$DEMOS/unix_pair"
expect_eq "pair: exit status" "$RC" 0
P=$(pid_of pair parent) C=$(pid_of pair child)
expect_edges pair "pair: 3 x parent -> child 6 bytes (write -> read)" \
	"$DATA and .src.pid==$P and .dst.pid==$C and .bytes==6 and .exact" 3
expect_edges pair "pair: 3 x child -> parent 7 bytes (send -> recv)" \
	"$DATA and .src.pid==$C and .dst.pid==$P and .bytes==7 and .exact" 3
expect_edges pair "pair: named socketpair:[lower inode of the pair]" \
	"$U and .object==\"socketpair:[\([.src_inode,.dst_inode]|min)]\"" 6
expect_edges pair "pair: one object for both directions" "$U" 6
[ "$(jq -r 'select(.type=="edge") | .object' "$TMP/pair.json" | sort -u | wc -l)" = 1 ] && pass "pair: a single object" || fail "pair: more than one object"
expect_edges pair "pair: a socketpair has no server" "has(\"server\")" 0

# --- one socket shared by two processes after fork: each edge names the real sender
for type in stream dgram; do
	trace "shared-$type" -t unix -- "$DEMOS/unix_shared" "$type"
	expect_eq "shared $type: exit status" "$RC" 0
	P=$(pid_of "shared-$type" parent) W=$(pid_of "shared-$type" writer) R=$(pid_of "shared-$type" reader)
	expect_edges "shared-$type" "shared $type: 3 x parent -> reader, 11 bytes" \
		"$DATA and .src.pid==$P and .dst.pid==$R and .bytes==11 and .exact" 3
	expect_edges "shared-$type" "shared $type: 3 x writer -> reader, 15 bytes (same socket, other process)" \
		"$DATA and .src.pid==$W and .dst.pid==$R and .bytes==15 and .exact" 3
	expect_edges "shared-$type" "shared $type: never credited to the wrong process" \
		"(.src.pid==$P and .bytes!=11) or (.src.pid==$W and .bytes!=15)" 0
	expect_edges "shared-$type" "shared $type: exactly 6 edges" "$U" 6
	expect_eq "shared $type: all sent through one socket" \
		"$(jq -r 'select(.type=="edge" and .kind=="unix") | .src_inode' "$TMP/shared-$type.json" | sort -u | wc -l)" 1
	expect_edges "shared-$type" "shared $type: no unknown sender" ".src.known==false" 0
done

# --- seqpacket over an abstract name with a NUL; SCM_RIGHTS, SCM_CREDENTIALS,
#     sendmmsg/recvmmsg, writev/readv, sendto, MSG_PEEK
trace kinds -t unix -- "$DEMOS/unix_kinds"
expect_eq "kinds: exit status" "$RC" 0
S=$(pid_of kinds server) C=$(pid_of kinds client)
OBJ="\"@ipcsnoop\\u0000kinds-$S\""
CS="$DATA and .src.pid==$C and .dst.pid==$S and .socket_type==\"seqpacket\" and .object==$OBJ and .server==\"dst\" and .exact"
expect_edges kinds "kinds: connect -> accept over the abstract name (NUL kept)" \
	"$U and .event==\"connect\" and .src.pid==$C and .dst.pid==$S and .object==$OBJ and .socket_type==\"seqpacket\"" 1
expect_edges kinds "kinds: SCM_RIGHTS: 3 fds, a pipe, a socket and a file" \
	"$CS and .bytes==3 and .fds==3 and .fd_kinds==\"pipe:1,socket:1,file:1\"" 1
expect_edges kinds "kinds: only that message carries fds" "has(\"fds\")" 1
expect_edges kinds "kinds: SCM_CREDENTIALS: the client's pid, uid and gid" \
	"$CS and .bytes==5 and .creds==\"pid=$C uid=$(id -u) gid=$(id -g)\"" 1
expect_edges kinds "kinds: sendmmsg -> recvmmsg: 8 bytes" "$CS and .bytes==8" 1
expect_edges kinds "kinds: sendmmsg -> recvmmsg: 9 bytes" "$CS and .bytes==9" 1
expect_edges kinds "kinds: writev -> readv and sendto -> recvfrom: 6 bytes each" \
	"$CS and .bytes==6 and (has(\"peek\")|not)" 2
expect_edges kinds "kinds: MSG_PEEK is an edge marked peek" "$CS and .bytes==6 and .peek==true" 1
expect_edges kinds "kinds: server -> client 4 bytes" \
	"$DATA and .src.pid==$S and .dst.pid==$C and .bytes==4 and .object==$OBJ and .server==\"src\"" 1
expect_edges kinds "kinds: exactly 9 edges" "$U" 9
grep -q '"object":"@ipcsnoop\\u0000kinds-' "$TMP/kinds.json" && pass "kinds: JSON spells the NUL as \\u0000" \
	|| fail "kinds: NUL not escaped in JSON"

# --- data queued before tracing began: the sender is unknown, never guessed
mkfifo "$TMP/go"
"$DEMOS/unix_early" wait <"$TMP/go" >"$TMP/early.demo" &
EARLY=$!
exec 7>"$TMP/go"
for i in $(seq 1 100); do [ -s "$TMP/early.demo" ] && break; sleep 0.02; done
if start_bg early -t unix -p "$EARLY"; then
	echo >&7
	wait "$EARLY"
	sleep 0.2
	stop_bg INT
	expect_edges early "early data: sender unknown, not exact, 5 bytes to the reader" \
		"$DATA and .src.known==false and .exact==false and .paired_by==\"none\" and .dst.pid==$EARLY and .bytes==5" 1
	expect_edges early "later data: exact, the reader to itself, 6 bytes" \
		"$DATA and .src.pid==$EARLY and .dst.pid==$EARLY and .bytes==6 and .exact" 1
	expect_edges early "early: exactly 2 edges" "$U" 2
	grep -q 'warning: 1 unix records could not be paired' "$TMP/early.err" &&
		pass "early: the unpaired receive is reported at exit" || fail "early: no report of the unpaired receive"
else
	fail "early: ipcsnoop did not start"
	echo >&7
fi
exec 7>&-

# --- -p RECEIVER, the only selected end, whose first unix operation is a
# receive from a child (not followed) that sent first: the sender is known
# exactly, whether the socket existed before tracing (the loader seeds it), was
# made by socketpair() or by socket()/listen() with the data queued before
# accept() (ipcsnoop tags unselected senders only once a selected process may
# hold a unix socket)
for m in before pair listen; do
	mkfifo "$TMP/rsgo_$m"
	"$DEMOS/unix_recvsel" "$m" "$TMP/rs_$m.sock" <"$TMP/rsgo_$m" >"$TMP/rsd_$m.demo" &
	RS=$!
	exec 7>"$TMP/rsgo_$m"
	for i in $(seq 1 100); do [ -s "$TMP/rsd_$m.demo" ] && break; sleep 0.02; done
	if start_bg "rs_$m" -t unix -p "$RS"; then
		echo >&7
		wait "$RS"
		expect_eq "-p receiver ($m): demo exit status" "$?" 0
		sleep 0.2
		stop_bg INT
		SND=$(awk '$1 == "sender" { print $2 }' "$TMP/rsd_$m.demo")
		expect_edges "rs_$m" "-p receiver ($m): sender -> receiver 5 bytes, exact" \
			"$DATA and .src.pid==$SND and .src.comm==\"unix_recvsel\" and .dst.pid==$RS and .bytes==5 and .exact" 1
		expect_edges "rs_$m" "-p receiver ($m): no unknown sender" "$U and .src.known==false" 0
	else
		fail "-p receiver ($m): ipcsnoop did not start"
		echo >&7
	fi
	exec 7>&-
done

# -p of a process that holds no socket: other processes' unix traffic is not shown
sleep 30 </dev/null >/dev/null 2>&1 &
SLEEPER=$!
if start_bg unrel -t unix -p "$SLEEPER"; then
	"$DEMOS/unix_pair" >"$TMP/unrel.demo"
	"$DEMOS/unix_dgram" >/dev/null 2>&1
	sleep 0.2
	stop_bg INT
	expect_edges unrel "-p an unrelated process: no unix edges" "$U" 0
	expect_eq "-p an unrelated process: exit status" "$RC" 0
else
	fail "-p an unrelated process: ipcsnoop did not start"
fi
kill "$SLEEPER" 2>/dev/null

# --- payload capture (-x): bounded, base64 in JSON, escaped text in text output
SOCK=$TMP/x.sock
trace x5 -t unix -x 5 -- "$DEMOS/unix_notes" "$SOCK"
expect_edges x5 "-x 5: requests carry their first 5 bytes" "$DATA and .bytes==13 and .data==\"SGVsbG8=\"" 3
expect_edges x5 "-x 5: replies carry their first 5 bytes" "$DATA and .bytes==18 and .data==\"SGkgQ2w=\"" 3
expect_edges x5 "-x 5: connections carry no payload" ".event==\"connect\" and has(\"data\")" 0
trace x256 -t unix -x 256 -- "$DEMOS/unix_notes" "$SOCK"
expect_edges x256 "-x 256: the whole request" "$DATA and .bytes==13 and .data==\"SGVsbG8gU2VydmVyIQ==\"" 3
timeout 60 "$IPCSNOOP" -t unix -x 64 -o "$TMP/xtext.txt" -- "$DEMOS/unix_notes" "$SOCK" >/dev/null 2>&1
expect_eq "-x text: the payload as escaped text" \
	"$(grep -c 'unix_notes .*bytes=13 server=dst.* data="Hello Server!"$' "$TMP/xtext.txt")" 3

# --- filters: traffic outside COMMAND is not shown
( sleep 0.4; "$DEMOS/unix_shared" >/dev/null ) & OTHER=$!
trace filt -t unix -- sh -c "sleep 1; \"$DEMOS/unix_pair\""
wait "$OTHER"
expect_edges filt "filter: the command's socketpair is shown" "$U and .src.comm==\"unix_pair\"" 6
expect_edges filt "filter: another program's traffic is not" ".src.comm==\"unix_shared\" or .dst.comm==\"unix_shared\"" 0
trace notunix -t signal -- "$DEMOS/unix_pair"
expect_edges notunix "-t signal: no unix edges" "$U" 0

# --- a real server from Debian: redis-server on a unix socket in a temp dir
if require_cmd redis-server "redis (make deps installs redis-server)" &&
   require_cmd redis-cli "redis (make deps installs redis-tools)"; then
	mkdir -p "$TMP/redis"
	RSOCK=$TMP/redis/redis.sock
	redis-server --port 0 --unixsocket "$RSOCK" --unixsocketperm 700 --save "" \
		--appendonly no --daemonize no --dir "$TMP/redis" --logfile "$TMP/redis/log" &
	REDIS=$!
	for i in $(seq 1 100); do [ -S "$RSOCK" ] && break; sleep 0.05; done
	if [ -S "$RSOCK" ]; then
		# COMMAND is the client; the server is outside it (either end keeps the edge)
		trace redis -t unix -x 64 -- redis-cli -s "$RSOCK" PING
		expect_eq "redis: redis-cli exit status" "$RC" 0
		CL="$U and .src.comm==\"redis-cli\" and .dst.pid==$REDIS and .dst.comm==\"redis-server\""
		expect_edges redis "redis: redis-cli -> redis-server connect over the socket path" \
			"$CL and .event==\"connect\" and .object==\"$RSOCK\" and .server==\"dst\"" 1
		expect_edges redis "redis: redis-cli -> redis-server PING, 14 bytes, exact" \
			"$CL and .bytes==14 and .exact and .object==\"$RSOCK\" and .data==\"KjENCiQ0DQpQSU5HDQo=\"" 1
		expect_edges redis "redis: redis-server -> redis-cli +PONG, 7 bytes" \
			"$U and .src.pid==$REDIS and .dst.comm==\"redis-cli\" and .bytes==7 and .data==\"K1BPTkcNCg==\" and .server==\"src\"" 1
		expect_edges redis "redis: exactly these 3 edges" "$U" 3
		# whole machine, -p the server: its client's edge is kept by either end
		if start_bg rfilt -t unix -p "$REDIS"; then
			redis-cli -s "$RSOCK" SET k hello >/dev/null
			sleep 0.3
			stop_bg INT
			expect_edges rfilt "redis -p server: redis-cli -> redis-server SET, 31 bytes" \
				"$U and .src.comm==\"redis-cli\" and .dst.pid==$REDIS and .bytes==31" 1
			expect_edges rfilt "redis -p server: every edge has the server at one end" \
				"$U and .src.pid!=$REDIS and .dst.pid!=$REDIS" 0
		else
			fail "redis: ipcsnoop did not start"
		fi
		# -c the client's name: the server's receive is kept for its tagged sender
		if start_bg rcomm -t unix -c redis-cli; then
			redis-cli -s "$RSOCK" GET k >/dev/null
			sleep 0.3
			stop_bg INT
			expect_edges rcomm "redis -c redis-cli: redis-cli -> redis-server GET, 20 bytes" \
				"$U and .src.comm==\"redis-cli\" and .dst.pid==$REDIS and .bytes==20 and .exact" 1
			expect_edges rcomm "redis -c redis-cli: redis-server -> redis-cli \$5 hello, 11 bytes" \
				"$U and .src.pid==$REDIS and .dst.comm==\"redis-cli\" and .bytes==11" 1
			expect_edges rcomm "redis -c redis-cli: nothing without redis-cli at an end" \
				".src.comm!=\"redis-cli\" and .dst.comm!=\"redis-cli\"" 0
		else
			fail "redis: ipcsnoop did not start"
		fi
	else
		fail "redis: redis-server did not create $RSOCK: $(tail -3 "$TMP/redis/log" 2>/dev/null)"
	fi
	kill "$REDIS" 2>/dev/null
	wait "$REDIS" 2>/dev/null
fi
