/*
 * The shared memory example of the IPC notes: a segment of key 1234; one
 * process writes "Linux Programming" into it, another prints it.
 *
 *   shm_notes          W attaches and writes, forks C (which inherits the
 *                      attachment and exits at once), then R attaches, prints
 *                      the text, tells W it is done; both detach; the
 *                      segment is removed. Announces W, C and R.
 *   shm_notes hold N   attach (creating the segment and writing the text if
 *                      needed), print "H pid", stay attached N seconds
 *   shm_notes read     attach, print the text, detach
 *   shm_notes clean    remove the segment of key 1234 if it exists
 *
 * Expected shm edges for the default run: W attach (1 attached); C attach via
 * fork (W,C) and C shares with W; C detach by exit; R attach (W,R) and R
 * shares with W; R detach; W detach; IPC_RMID. Never R with C.
 */
#include <signal.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include "demo.h"

#define KEY 1234
#define SIZE 4096
#define DONE_AT 2048            /* R sets this byte when it has printed the text */

static char *attach(int create)
{
	int id = shmget((key_t)KEY, SIZE, create ? IPC_CREAT | 0666 : 0666);
	char *p;

	if (id < 0)
		die("shmget");
	p = shmat(id, (void *)0, 0);
	if (p == (void *)-1)
		die("shmat");
	return p;
}

static void clean(void)
{
	int id = shmget((key_t)KEY, 0, 0);

	if (id >= 0 && shmctl(id, IPC_RMID, NULL) < 0)
		die("shmctl IPC_RMID");
}

/* Wait (at most 10 s) until the byte at p becomes non-zero. */
static void wait_for(volatile char *p)
{
	for (int i = 0; i < 10000 && !*p; i++)
		usleep(1000);
	if (!*p) {
		fprintf(stderr, "demo: timed out waiting on the segment\n");
		exit(1);
	}
}

static int reader(void)
{
	char *shmaddr = attach(0);

	wait_for(shmaddr);
	printf("%s\n", shmaddr);
	fflush(stdout);
	shmaddr[DONE_AT] = 1;
	if (shmdt(shmaddr))
		die("shmdt");
	return 0;
}

static int hold(int seconds)
{
	char *shmaddr = attach(1);

	strcpy(shmaddr, "Linux Programming");
	announce("H", getpid());
	sleep(seconds);
	return shmdt(shmaddr) ? 1 : 0;
}

static int writer(int ready_fd)
{
	char *shmaddr = attach(0);
	pid_t c;

	strcpy(shmaddr, "Linux Programming");
	c = fork();                 /* the child inherits the attachment */
	if (c < 0)
		die("fork");
	if (c == 0)
		_exit(0);
	announce("C", c);
	if (waitpid(c, NULL, 0) != c)
		die("waitpid");
	send_byte(ready_fd);        /* R may attach now */
	wait_for(shmaddr + DONE_AT);
	if (shmdt(shmaddr))
		die("shmdt");
	return 0;
}

int main(int argc, char **argv)
{
	int ready[2], sw, sr;
	pid_t w, r;

	if (argc > 1) {
		if (!strcmp(argv[1], "read"))
			return reader();
		if (!strcmp(argv[1], "hold") && argc > 2)
			return hold(atoi(argv[2]));
		if (!strcmp(argv[1], "clean")) {
			clean();
			return 0;
		}
		fprintf(stderr, "usage: shm_notes [read|hold SECONDS|clean]\n");
		return 2;
	}
	clean();                    /* a segment left over by a crashed run */
	if (shmget((key_t)KEY, SIZE, IPC_CREAT | IPC_EXCL | 0666) < 0)
		die("shmget");
	if (pipe(ready))
		die("pipe");
	w = fork();
	if (w < 0)
		die("fork");
	if (w == 0) {
		close(ready[0]);
		return writer(ready[1]);
	}
	announce("W", w);
	close(ready[1]);
	wait_byte(ready[0]);
	r = fork();
	if (r < 0)
		die("fork");
	if (r == 0)
		return reader();
	announce("R", r);
	if (waitpid(r, &sr, 0) != r || waitpid(w, &sw, 0) != w)
		die("waitpid");
	clean();
	return WIFEXITED(sw) && !WEXITSTATUS(sw) && WIFEXITED(sr) && !WEXITSTATUS(sr) ? 0 : 1;
}
