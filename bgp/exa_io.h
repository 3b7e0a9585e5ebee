/* exa_io — kvte-bgp's two pipes to ExaBGP, never blocking it: stdin (ExaBGP's JSON
 * messages and acks) is read non-blocking through libuv and split into lines in a
 * growing buffer (ExaBGP lines reach tens of KB; a line over max_line is dropped with
 * one error, and reading goes on at the next newline); stdout carries text commands,
 * one per line, written through libuv (queued when ExaBGP is slow to read, never a
 * blocking write on a pipe). Every command is remembered in order with the etcd key it
 * came from, so the "done"/"error" acks (FIFO, /work/shared/notes/exabgp-api.md §5)
 * can be matched: a rejected command is logged with its key. stdin EOF means ExaBGP is
 * going away. Used by bgp/bgpd.c. */
#ifndef KVTE_BGP_EXA_IO_H
#define KVTE_BGP_EXA_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

struct exa_io;

struct exa_io_cbs {
	void (*line)(const char *line, size_t len, void *arg);
	void (*eof)(const char *why, void *arg); /* stdin closed or failed */
};

struct exa_io_stats {
	uint64_t lines, bytes, long_lines, commands, acks_done, acks_error, stray_acks;
	size_t pending_acks, write_queue;
};

int exa_io_open(uv_loop_t *loop, int in_fd, int out_fd, size_t max_line,
		const struct exa_io_cbs *cbs, void *arg, struct exa_io **out, char *err,
		size_t errlen);
/* Write one command (no '\n'); `key` names where it came from, for the ack log. */
int exa_io_send(struct exa_io *io, const char *cmd, const char *key);
/* An ack line was read: match it with the oldest unacknowledged command. */
void exa_io_acked(struct exa_io *io, bool ok);
void exa_io_stats(const struct exa_io *io, struct exa_io_stats *out);
void exa_io_close(struct exa_io *io, void (*done)(void *arg), void *arg);

#endif
