/* exa_io — stdin/stdout to ExaBGP through libuv (see bgp/exa_io.h). stdin may be a pipe
 * or socket (ExaBGP's case), a tty, or a regular file (tests, benchmarks: read with
 * uv_fs_read); stdout a pipe/socket (uv_write) or a file or /dev/null (plain write(2),
 * which does not block on those). */
#include "bgp/exa_io.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"

#define READ_CHUNK 65536

struct pending {
	struct pending *next;
	char *key;
	char cmd[];
};

struct wreq {
	uv_write_t w;
	struct exa_io *io;
	char data[];
};

struct exa_io {
	uv_loop_t *loop;
	struct exa_io_cbs cbs;
	void *arg;
	size_t max_line;
	/* stdin */
	union {
		uv_pipe_t pipe;
		uv_tty_t tty;
		uv_stream_t stream;
		uv_handle_t handle;
	} in;
	bool in_stream, in_file, in_open, eof, discarding;
	int in_fd;
	uv_fs_t fs;
	char *fbuf;
	char *line;
	size_t len, cap;
	/* stdout */
	union {
		uv_pipe_t pipe;
		uv_handle_t handle;
		uv_stream_t stream;
	} out;
	bool out_stream, out_open, out_broken;
	int out_fd;
	struct pending *ahead, *atail;
	struct exa_io_stats st;
	bool closing;
	int open_handles;
	void (*done)(void *);
	void *done_arg;
};

static void feed(struct exa_io *io, const char *p, size_t n)
{
	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;

		if (!io->discarding) {
			if (io->len + take > io->max_line) {
				io->st.long_lines++;
				LOG_RL(LOG_LVL_ERROR, "exabgp",
				       "line longer than %zu bytes from ExaBGP dropped", io->max_line);
				io->discarding = true;
				io->len = 0;
			} else {
				if (io->len + take + 1 > io->cap) {
					size_t cap = io->cap ? io->cap : 4096;
					char *b;

					while (cap < io->len + take + 1)
						cap *= 2;
					if (!(b = realloc(io->line, cap))) {
						LOG_RL(LOG_LVL_ERROR, "exabgp", "out of memory for a line");
						io->discarding = true;
						io->len = 0;
						goto next;
					}
					io->line = b;
					io->cap = cap;
				}
				memcpy(io->line + io->len, p, take);
				io->len += take;
			}
		}
	next:
		if (!nl)
			return;
		if (!io->discarding) {
			io->line[io->len] = '\0';
			io->st.lines++;
			io->cbs.line(io->line, io->len, io->arg);
			if (io->closing)
				return;
		}
		io->discarding = false;
		io->len = 0;
		p = nl + 1;
		n -= take + 1;
	}
}

static void at_eof(struct exa_io *io, const char *why)
{
	if (io->eof)
		return;
	io->eof = true;
	if (io->len && !io->discarding) { /* a last line without its newline */
		io->line[io->len] = '\0';
		io->st.lines++;
		io->cbs.line(io->line, io->len, io->arg);
		io->len = 0;
	}
	if (!io->closing && io->cbs.eof)
		io->cbs.eof(why, io->arg);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	struct exa_io *io = h->data;

	buf->base = io->fbuf;
	buf->len = READ_CHUNK;
}

static void on_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	struct exa_io *io = s->data;

	if (n > 0) {
		io->st.bytes += (uint64_t)n;
		feed(io, buf->base, (size_t)n);
	} else if (n < 0) {
		uv_read_stop(s);
		at_eof(io, n == UV_EOF ? "end of input" : uv_strerror((int)n));
	}
}

static void file_read(struct exa_io *io);
static void exa_io_free_(struct exa_io *io);

static void on_fs_read(uv_fs_t *req)
{
	struct exa_io *io = req->data;
	ssize_t n = req->result;

	uv_fs_req_cleanup(req);
	if (!io->closing && n > 0) {
		io->st.bytes += (uint64_t)n;
		feed(io, io->fbuf, (size_t)n);
		if (!io->closing) {
			file_read(io); /* still counted in open_handles */
			return;
		}
	}
	io->in_file = false;
	if (io->closing) {
		if (--io->open_handles == 0)
			exa_io_free_(io);
		return;
	}
	io->open_handles--;
	at_eof(io, n == 0 ? "end of input" : uv_strerror((int)n));
}

static void file_read(struct exa_io *io)
{
	uv_buf_t b = uv_buf_init(io->fbuf, READ_CHUNK);

	io->fs.data = io;
	if (uv_fs_read(io->loop, &io->fs, io->in_fd, &b, 1, -1, on_fs_read) < 0) {
		io->in_file = false;
		io->open_handles--;
		at_eof(io, "read failed");
	}
}

int exa_io_open(uv_loop_t *loop, int in_fd, int out_fd, size_t max_line,
		const struct exa_io_cbs *cbs, void *arg, struct exa_io **out, char *err,
		size_t errlen)
{
	struct exa_io *io = calloc(1, sizeof(*io));
	int rc;

	if (!io || !(io->fbuf = malloc(READ_CHUNK))) {
		free(io);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	io->loop = loop;
	io->cbs = *cbs;
	io->arg = arg;
	io->max_line = max_line ? max_line : 64u << 20;
	io->in_fd = in_fd;
	io->out_fd = out_fd;
	switch (uv_guess_handle(in_fd)) {
	case UV_NAMED_PIPE:
	case UV_TCP:
		uv_pipe_init(loop, &io->in.pipe, 0);
		rc = uv_pipe_open(&io->in.pipe, in_fd);
		io->in_stream = true;
		break;
	case UV_TTY:
		rc = uv_tty_init(loop, &io->in.tty, in_fd, 1);
		io->in_stream = rc == 0;
		break;
	case UV_FILE:
		rc = 0;
		io->in_file = true;
		break;
	default:
		rc = UV_EINVAL;
	}
	if (rc < 0) {
		if (io->in_stream)
			uv_close(&io->in.handle, NULL);
		snprintf(err, errlen, "stdin (fd %d) cannot be read through libuv: %s", in_fd,
			 uv_strerror(rc));
		free(io->fbuf);
		free(io);
		return rc;
	}
	if (io->in_stream) {
		io->in.handle.data = io;
		io->in_open = true;
		io->open_handles++;
		uv_read_start(&io->in.stream, on_alloc, on_read);
	}
	uv_handle_type ot = uv_guess_handle(out_fd);

	if (ot == UV_NAMED_PIPE || ot == UV_TCP) {
		uv_pipe_init(loop, &io->out.pipe, 0);
		if (uv_pipe_open(&io->out.pipe, out_fd) == 0) {
			io->out_stream = true;
			io->out.handle.data = io;
			io->out_open = true;
			io->open_handles++;
		} else {
			uv_close(&io->out.handle, NULL);
		}
	}
	if (io->in_file) {
		io->open_handles++;
		file_read(io);
	}
	*out = io;
	return 0;
}

static void on_written(uv_write_t *w, int status)
{
	struct wreq *r = (struct wreq *)w;
	struct exa_io *io = r->io;

	if (status < 0 && status != UV_ECANCELED && !io->out_broken) {
		io->out_broken = true;
		log_err("exabgp", "writing commands to ExaBGP failed: %s", uv_strerror(status));
	}
	free(r);
}

int exa_io_send(struct exa_io *io, const char *cmd, const char *key)
{
	size_t len = strlen(cmd);
	struct pending *p;

	if (io->closing || io->out_broken)
		return -EPIPE;
	if (!(p = malloc(sizeof(*p) + len + 1)))
		return -ENOMEM;
	memcpy(p->cmd, cmd, len + 1);
	p->key = key ? strdup(key) : NULL;
	p->next = NULL;
	if (io->atail)
		io->atail->next = p;
	else
		io->ahead = p;
	io->atail = p;
	io->st.pending_acks++;
	io->st.commands++;
	log_debug("exabgp", "> %s (%s)", cmd, key ? key : "-");
	if (io->out_stream) {
		struct wreq *r = malloc(sizeof(*r) + len + 1);

		if (!r)
			return -ENOMEM;
		r->io = io;
		memcpy(r->data, cmd, len);
		r->data[len] = '\n';
		uv_buf_t b = uv_buf_init(r->data, (unsigned)len + 1);

		int rc = uv_write(&r->w, &io->out.stream, &b, 1, on_written);

		if (rc < 0) {
			free(r);
			if (!io->out_broken)
				log_err("exabgp", "writing commands to ExaBGP failed: %s",
					uv_strerror(rc));
			io->out_broken = true;
		}
		return rc;
	}
	/* a file or /dev/null: write(2) does not block on those */
	char *line = malloc(len + 1);

	if (!line)
		return -ENOMEM;
	memcpy(line, cmd, len);
	line[len] = '\n';
	size_t off = 0;

	while (off < len + 1) {
		ssize_t n = write(io->out_fd, line + off, len + 1 - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!io->out_broken)
				log_err("exabgp", "writing commands failed: %s", strerror(errno));
			io->out_broken = true;
			break;
		}
		off += (size_t)n;
	}
	free(line);
	return io->out_broken ? -EPIPE : 0;
}

void exa_io_acked(struct exa_io *io, bool ok)
{
	struct pending *p = io->ahead;

	if (ok)
		io->st.acks_done++;
	else
		io->st.acks_error++;
	if (!p) {
		io->st.stray_acks++;
		LOG_RL(LOG_LVL_WARN, "exabgp", "\"%s\" from ExaBGP with no command waiting",
		       ok ? "done" : "error");
		return;
	}
	io->ahead = p->next;
	if (!io->ahead)
		io->atail = NULL;
	io->st.pending_acks--;
	if (!ok && p->key)
		LOG_RL(LOG_LVL_ERROR, "exabgp", "ExaBGP rejected the command for %s: %s", p->key,
		       p->cmd);
	else if (!ok) /* our own housekeeping, e.g. a route refresh with no session up */
		log_info("exabgp", "ExaBGP declined \"%s\" (no session it applies to)", p->cmd);
	else
		log_debug("exabgp", "done: %s", p->cmd);
	free(p->key);
	free(p);
}

void exa_io_stats(const struct exa_io *io, struct exa_io_stats *out)
{
	*out = io->st;
	out->write_queue = io->out_stream ? uv_stream_get_write_queue_size(&io->out.stream) : 0;
}

static void exa_io_free_(struct exa_io *io)
{
	void (*done)(void *) = io->done;
	void *arg = io->done_arg;

	while (io->ahead) {
		struct pending *p = io->ahead;

		io->ahead = p->next;
		free(p->key);
		free(p);
	}
	free(io->line);
	free(io->fbuf);
	free(io);
	if (done)
		done(arg);
}

static void handle_closed(uv_handle_t *h)
{
	struct exa_io *io = h->data;

	if (--io->open_handles == 0)
		exa_io_free_(io);
}

void exa_io_close(struct exa_io *io, void (*done)(void *arg), void *arg)
{
	io->closing = true;
	io->done = done;
	io->done_arg = arg;
	if (io->open_handles == 0) {
		exa_io_free_(io);
		return;
	}
	if (io->in_open)
		uv_close(&io->in.handle, handle_closed);
	if (io->out_open)
		uv_close(&io->out.handle, handle_closed);
	/* a file read on the thread pool finishes in on_fs_read */
}
