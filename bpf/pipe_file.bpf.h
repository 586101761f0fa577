/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * Pipes and FIFOs, the file side: which pipe an fd is (the hot-path test),
 * how many bytes it holds, a named FIFO's path. Included by pipe.bpf.h.
 */

#define PIPE_S_IFMT      00170000
#define PIPE_S_IFIFO     0010000
#define PIPE_PIPEFS_MAGIC 0x50495045
#define PIPE_FMODE_WRITE 0x2
#if defined(__TARGET_ARCH_arm64) || defined(__TARGET_ARCH_arm)
#define PIPE_O_DIRECT    0200000
#else
#define PIPE_O_DIRECT    040000
#endif

#define PIPE_OCC_SLOTS   64       /* pipe buffers summed for the occupancy */
#define PIPE_PATH_DEPTH  32       /* path components of a FIFO (power of two) */
#define PIPE_PATH_HALF   IPCSNOOP_FIFO_PATH_LEN

struct pipe_scratch {
	char buf[2 * PIPE_PATH_HALF];
	const unsigned char *names[PIPE_PATH_DEPTH];
	/* iovec capture state: kept here, not on the stack, so the verifier does
	 * not track each value and the loop's states converge */
	__u32 iov_off, iov_want;
	/* FIFO path walk state, here for the same reason (on the stack, the two
	 * path loops cost the verifier some 20000 instructions per program) */
	__u32 path_n, path_off, path_flags;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pipe_scratch);
} pipe_scratch SEC(".maps");

/* x & mask, in a way the compiler cannot drop (the verifier needs the bound) */
static __always_inline __u64 pipe_mask(__u64 x, __u64 mask)
{
	asm volatile("%0 &= %1" : "+r"(x) : "i"(mask));
	return x;
}

/* The pipe behind an fd of the current task */
struct pipe_file {
	struct file *file;
	struct inode *inode;
	struct pipe_id id;
	bool named;
	bool writer;                  /* opened for writing (vmsplice direction) */
	bool packet;                  /* O_DIRECT: packet mode */
};

/* Read-only view of a kernel pointer (typed: 6.2+; untyped, btf_id 0: 6.16+,
 * probed by the loader): loads through it are inlined, exception-handled
 * reads instead of one helper call each. */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

/* current->files->fdt->fd[fd], or NULL. Direct (BTF) loads from the task:
 * on the hot path, one helper call instead of one per pointer. */
static __always_inline struct file *pipe_fd_file(long fd_arg)
{
	struct task_struct *task = bpf_get_current_task_btf();
	int fd = (int)fd_arg;
	struct fdtable *fdt;
	struct file **fds;
	struct file *f;

	if (fd < 0)
		return NULL;
	fdt = task->files->fdt;
	if (!fdt || (unsigned int)fd >= fdt->max_fds)
		return NULL;
	fds = fdt->fd;
	if (rdonly_void_cast)       /* a constant: the verifier drops the other branch */
		return *(struct file **)bpf_rdonly_cast(&fds[fd], 0);
	if (bpf_probe_read_kernel(&f, sizeof(f), &fds[fd]))
		return NULL;
	return f;
}

/* The file's mode bits (S_IFMT part). */
static __always_inline __u32 pipe_file_mode(struct file *f)
{
	struct inode *inode;

	if (bpf_rdonly_cast) {      /* resolved at load: a constant to the verifier */
		struct file *tf = bpf_rdonly_cast(f, bpf_core_type_id_kernel(struct file));

		inode = tf->f_inode;
		return inode ? inode->i_mode & PIPE_S_IFMT : 0;
	}
	inode = BPF_CORE_READ(f, f_inode);
	return inode ? BPF_CORE_READ(inode, i_mode) & PIPE_S_IFMT : 0;
}

/* The pipe or FIFO behind fd, or NULL. The hot-path test: a few loads, then out. */
static __always_inline struct file *pipe_fifo_of_fd(long fd)
{
	struct file *f = pipe_fd_file(fd);

	return f && pipe_file_mode(f) == PIPE_S_IFIFO ? f : NULL;
}

/* What the records need to know about a pipe's file (off the hot path). */
static __always_inline void pipe_fill(struct file *f, struct pipe_file *pf)
{
	struct inode *inode;
	struct super_block *sb;

	if (bpf_rdonly_cast) {      /* direct loads, as in pipe_file_mode */
		struct file *tf = bpf_rdonly_cast(f, bpf_core_type_id_kernel(struct file));

		inode = tf->f_inode;
		sb = inode->i_sb;
		pf->file = f;
		pf->inode = inode;
		pf->id.ino = inode->i_ino;
		pf->id.dev = sb->s_dev;
		pf->id.pad = 0;
		pf->named = sb->s_magic != PIPE_PIPEFS_MAGIC;
		pf->writer = tf->f_mode & PIPE_FMODE_WRITE;
		pf->packet = tf->f_flags & PIPE_O_DIRECT;
		return;
	}
	inode = BPF_CORE_READ(f, f_inode);
	sb = BPF_CORE_READ(inode, i_sb);
	pf->file = f;
	pf->inode = inode;
	pf->id.ino = BPF_CORE_READ(inode, i_ino);
	pf->id.dev = BPF_CORE_READ(sb, s_dev);
	pf->id.pad = 0;
	pf->named = BPF_CORE_READ(sb, s_magic) != PIPE_PIPEFS_MAGIC;
	pf->writer = BPF_CORE_READ(f, f_mode) & PIPE_FMODE_WRITE;
	pf->packet = BPF_CORE_READ(f, f_flags) & PIPE_O_DIRECT;
}

/* Is the file a pipe or FIFO? If so, fill pf (the function hooks' test). */
static __always_inline bool pipe_of_file(struct file *f, struct pipe_file *pf)
{
	if (!f || pipe_file_mode(f) != PIPE_S_IFIFO)
		return false;
	pipe_fill(f, pf);
	return true;
}

/* Is fd a pipe or FIFO? If so, fill pf. */
static __always_inline bool pipe_of_fd(long fd, struct pipe_file *pf)
{
	struct file *f = pipe_fifo_of_fd(fd);

	if (!f)
		return false;
	pipe_fill(f, pf);
	return true;
}

struct pipe_occ_ctx {
	struct pipe_buffer *bufs;
	__u32 tail, ring, n;
	__u64 sum;
};

static long pipe_occ_step(__u32 i, void *arg)
{
	struct pipe_occ_ctx *c = arg;
	struct pipe_buffer *b;

	if (i >= c->n)
		return 1;
	b = c->bufs + ((c->tail + i) & (c->ring - 1));
	c->sum += BPF_CORE_READ(b, len);
	return 0;
}

/* Bytes in the pipe's buffers now */
static __always_inline __u64 pipe_occupancy(struct inode *inode, __u32 *flags)
{
	struct pipe_inode_info *pipe = BPF_CORE_READ(inode, i_pipe);
	struct pipe_occ_ctx c = {};
	__u32 head;

	if (!pipe)
		return 0;
	head = BPF_CORE_READ(pipe, head);
	c.tail = BPF_CORE_READ(pipe, tail);
	c.ring = BPF_CORE_READ(pipe, ring_size);
	c.bufs = BPF_CORE_READ(pipe, bufs);
	c.n = head - c.tail;
	if (!c.ring || !c.bufs || c.n > c.ring)
		return 0;
	if (c.n > PIPE_OCC_SLOTS)
		*flags |= PIPE_SEEN_OCC_PART;
	bpf_loop(PIPE_OCC_SLOTS, pipe_occ_step, &c, 0);
	return c.sum;
}

struct pipe_path_ctx {
	struct pipe_scratch *s;
	struct dentry *d;
	struct mount *m;
};

/* One step up the dentry chain: a name, or a mount crossed, or the root. */
static long pipe_path_up(__u32 i, void *arg)
{
	struct pipe_path_ctx *c = arg;
	struct pipe_scratch *s = c->s;
	struct dentry *d = c->d;
	struct mount *m = c->m;
	__u32 n = s->path_n;
	struct dentry *root = BPF_CORE_READ(m, mnt.mnt_root);
	struct dentry *parent = BPF_CORE_READ(d, d_parent);

	if (d == root || d == parent) {
		struct mount *mp = BPF_CORE_READ(m, mnt_parent);

		if (d != root || m == mp)
			return 1;                   /* the root of it all */
		c->d = BPF_CORE_READ(m, mnt_mountpoint);
		c->m = mp;
		return 0;
	}
	if (n >= PIPE_PATH_DEPTH) {
		s->path_flags |= PIPE_SEEN_PATH_TRUNC;
		return 1;
	}
	s->names[pipe_mask(n, PIPE_PATH_DEPTH - 1)] = BPF_CORE_READ(d, d_name.name);
	s->path_n = n + 1;
	c->d = parent;
	return 0;
}

/* Append "/" + component n-1-i */
static long pipe_path_down(__u32 i, void *arg)
{
	struct pipe_path_ctx *c = arg;
	struct pipe_scratch *s = c->s;
	__u32 n = s->path_n, off = s->path_off;
	long r;

	if (i >= n)
		return 1;
	if (off >= PIPE_PATH_HALF - 1) {
		s->path_flags |= PIPE_SEEN_PATH_TRUNC;
		return 1;
	}
	s->buf[pipe_mask(off, PIPE_PATH_HALF - 1)] = '/';
	off++;
	r = bpf_probe_read_kernel_str(&s->buf[pipe_mask(off, PIPE_PATH_HALF - 1)],
				      PIPE_PATH_HALF,
				      s->names[pipe_mask(n - 1 - i, PIPE_PATH_DEPTH - 1)]);
	if (r > 1)
		off += r - 1;
	s->path_off = off;
	return 0;
}

/* A named FIFO's path, built from the dentry chain across mounts (d_path is not
 * callable here), into s->buf (NUL-terminated). Returns its length. */
static __always_inline __u32 pipe_fifo_path(struct file *f, struct pipe_scratch *s, __u32 *flags)
{
	struct vfsmount *vm = BPF_CORE_READ(f, f_path.mnt);
	struct pipe_path_ctx c = { .s = s };
	__u32 off;

	s->path_n = s->path_off = s->path_flags = 0;
	c.d = BPF_CORE_READ(f, f_path.dentry);
	c.m = (void *)vm - bpf_core_field_offset(struct mount, mnt);
	bpf_loop(PIPE_PATH_DEPTH + 8, pipe_path_up, &c, 0);
	bpf_loop(PIPE_PATH_DEPTH, pipe_path_down, &c, 0);
	off = s->path_off;
	if (s->path_n == 0) {
		s->buf[0] = '/';
		off = 1;
	}
	if (off > PIPE_PATH_HALF - 1) {
		s->path_flags |= PIPE_SEEN_PATH_TRUNC;
		off = PIPE_PATH_HALF - 1;
	}
	s->buf[pipe_mask(off, PIPE_PATH_HALF - 1)] = '\0';
	*flags |= s->path_flags;
	return off;
}

/* Asked at every streamed read: direct loads where the kernel allows them */
static __always_inline bool pipe_is_empty(struct inode *inode)
{
	struct pipe_inode_info *pipe;

	if (bpf_rdonly_cast) {
		pipe = ((struct inode *)bpf_rdonly_cast(inode, bpf_core_type_id_kernel(struct inode)))->i_pipe;
		return pipe && pipe->head == pipe->tail;
	}
	pipe = BPF_CORE_READ(inode, i_pipe);
	return pipe && BPF_CORE_READ(pipe, head) == BPF_CORE_READ(pipe, tail);
}
