/*
 * Producer/consumer with a SysV semaphore set of key 1234 and 3 semaphores:
 * 0 = items, 1 = "consumer done", 2 = a lock taken with SEM_UNDO.
 * Each blocking step waits until the other side is really asleep on the
 * semaphore (semctl GETNCNT), so which operation releases which is fixed.
 *
 *   P: V(0)                      the item is there before C asks: C does not block
 *   C: P(0)                      no release edge
 *   3 x { C: P(0) blocks;  P: V(0) }            -> 3 edges P -> C, sem 0
 *   P: P(1) blocks;  C: V(1)                     -> 1 edge  C -> P, sem 1
 *   P: SETVAL(2, 1);  C: P(2) with SEM_UNDO, does not block
 *   P: P(2) blocks;  C exits: the kernel undoes -> 1 edge  C -> P, sem 2, via exit
 *
 * Announces P (the producer, also the parent) and C.
 */
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include "demo.h"

#define KEY 1234
#define ITEMS 0
#define DONE 1
#define LOCK 2

static int semid;

static void op(unsigned short num, short val, short flg)
{
	struct sembuf b = { .sem_num = num, .sem_op = val, .sem_flg = flg };

	while (semop(semid, &b, 1) < 0)
		if (errno != EINTR)
			die("semop");
}

/* Until one process sleeps waiting on semaphore num (at most 10 s). */
static void wait_sleeper(int num)
{
	for (int i = 0; i < 10000; i++) {
		int n = semctl(semid, num, GETNCNT);

		if (n < 0)
			die("semctl GETNCNT");
		if (n == 1)
			return;
		usleep(1000);
	}
	fprintf(stderr, "demo: nobody waits on semaphore %d\n", num);
	exit(1);
}

static void clean(void)
{
	int id = semget((key_t)KEY, 0, 0);

	if (id >= 0 && semctl(id, 0, IPC_RMID) < 0)
		die("semctl IPC_RMID");
}

static int consumer(void)
{
	op(ITEMS, -1, 0);                       /* an item is there already */
	for (int i = 0; i < 3; i++) {
		op(ITEMS, -1, 0);               /* blocks until P produces */
		printf("consumed item %d\n", i + 1);
		fflush(stdout);
	}
	wait_sleeper(DONE);
	op(DONE, 1, 0);                         /* releases P */
	for (int i = 0; i < 10000 && semctl(semid, LOCK, GETVAL) != 1; i++)
		usleep(1000);                   /* until P has set the lock free */
	op(LOCK, -1, SEM_UNDO);                 /* free: taken at once */
	wait_sleeper(LOCK);
	return 0;                               /* exit undoes the lock: releases P */
}

int main(int argc, char **argv)
{
	int status;
	pid_t c;

	if (argc > 1 && !strcmp(argv[1], "clean")) {
		clean();
		return 0;
	}
	clean();                                /* a set left over by a crashed run */
	semid = semget((key_t)KEY, 3, IPC_CREAT | IPC_EXCL | 0666);
	if (semid < 0)
		die("semget");
	announce("P", getpid());
	op(ITEMS, 1, 0);
	c = fork();
	if (c < 0)
		die("fork");
	if (c == 0)
		return consumer();
	announce("C", c);
	for (int i = 0; i < 3; i++) {
		wait_sleeper(ITEMS);
		op(ITEMS, 1, 0);
	}
	op(DONE, -1, 0);                        /* blocks until C is done */
	if (semctl(semid, LOCK, SETVAL, 1) < 0)
		die("semctl SETVAL");
	/* wait until C holds the lock: its value drops to 0 */
	for (int i = 0; i < 10000 && semctl(semid, LOCK, GETVAL) != 0; i++)
		usleep(1000);
	op(LOCK, -1, 0);                        /* blocks until C exits */
	if (waitpid(c, &status, 0) != c)
		die("waitpid");
	printf("got the lock back from C's exit\n");
	clean();
	return WIFEXITED(status) && !WEXITSTATUS(status) ? 0 : 1;
}
