/*
 * The watchdog thread (watchdog.h). One mutex orders it with the loop
 * thread: it calls nxk_cpu_interrupt only while holding it and armed for
 * the generation it polled, so once watchdog_disarm has taken and
 * released it the engine is left alone. An eventfd gets it out of poll.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "watchdog.h"

struct watchdog {
	pthread_t thread;
	int started;
	int wake; /* eventfd */
	unsigned cap;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	/* Under lock: what to watch, for which run. */
	int armed, quit, polling;
	unsigned gen; /* one per arm */
	struct nxk_cpu *cpu;
	unsigned n;
	struct pollfd *fds;
	unsigned char *ending;
	atomic_int fired;
};

static void wake_drain(int fd)
{
	uint64_t v;
	(void)!read(fd, &v, sizeof(v));
}

static void wake_kick(int fd)
{
	uint64_t v = 1;
	(void)!write(fd, &v, sizeof(v));
}

/* Poll one armed generation until it is disarmed; called and returns with the lock held. */
static void watch(struct watchdog *w, struct pollfd *p, unsigned char *end)
{
	unsigned gen = w->gen, n = w->n;
	int interrupting = 0;

	memcpy(p, w->fds, n * sizeof(*p));
	memcpy(end, w->ending, n);
	p[n] = (struct pollfd){.fd = w->wake, .events = POLLIN};
	while (w->armed && w->gen == gen) {
		w->polling = 1;
		pthread_mutex_unlock(&w->lock);
		int r = poll(p, n + 1, interrupting ? WATCHDOG_INTERRUPT_RETRY_MS : -1);
		if (r > 0 && p[n].revents != 0)
			wake_drain(w->wake);
		pthread_mutex_lock(&w->lock);
		w->polling = 0;
		if (!w->armed || w->gen != gen)
			return;
		for (unsigned i = 0; r > 0 && i < n; i++) {
			if (p[i].revents == 0)
				continue;
			atomic_store(&w->fired, 1);
			interrupting |= end[i];
			/* Known now, and poll is level-triggered: stop asking. */
			p[i].fd = -1;
		}
		if (interrupting)
			nxk_cpu_interrupt(w->cpu);
	}
}

static void *watchdog_main(void *arg)
{
	struct watchdog *w = arg;
	struct pollfd *p = malloc((w->cap + 1) * sizeof(*p));
	unsigned char *end = malloc(w->cap);

	pthread_mutex_lock(&w->lock);
	while (!w->quit) {
		if (!w->armed || p == NULL || end == NULL)
			pthread_cond_wait(&w->cond, &w->lock);
		else
			watch(w, p, end);
	}
	pthread_mutex_unlock(&w->lock);
	free(p);
	free(end);
	return NULL;
}

struct watchdog *watchdog_new(unsigned fds_max)
{
	struct watchdog *w = calloc(1, sizeof(*w));
	if (w == NULL)
		return NULL;
	w->cap = fds_max;
	w->fds = calloc(fds_max, sizeof(*w->fds));
	w->ending = calloc(fds_max, 1);
	w->wake = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (w->fds == NULL || w->ending == NULL || w->wake < 0) {
		if (w->wake >= 0)
			close(w->wake);
		free(w->fds);
		free(w->ending);
		free(w);
		return NULL;
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	atomic_init(&w->fired, 0);
	return w;
}

/* The thread takes no signal: the loop thread reads them from its signalfd. */
static int start(struct watchdog *w)
{
	sigset_t all, old;
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	int r = pthread_create(&w->thread, NULL, watchdog_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0)
		return -1;
	w->started = 1;
	return 0;
}

int watchdog_arm(struct watchdog *w, struct nxk_cpu *cpu, const struct pollfd *fds,
		 const unsigned char *ending, unsigned n)
{
	if (n > w->cap || (!w->started && start(w) != 0))
		return -1;
	pthread_mutex_lock(&w->lock);
	memcpy(w->fds, fds, n * sizeof(*fds));
	memcpy(w->ending, ending, n);
	w->n = n;
	w->cpu = cpu;
	w->gen++;
	w->armed = 1;
	atomic_store(&w->fired, 0);
	pthread_cond_signal(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return 0;
}

void watchdog_disarm(struct watchdog *w)
{
	pthread_mutex_lock(&w->lock);
	int polling = w->polling;
	w->armed = 0;
	w->cpu = NULL;
	pthread_mutex_unlock(&w->lock);
	if (polling)
		wake_kick(w->wake);
}

int watchdog_fired(struct watchdog *w)
{
	return atomic_load_explicit(&w->fired, memory_order_relaxed);
}

void watchdog_free(struct watchdog *w)
{
	if (w->started) {
		pthread_mutex_lock(&w->lock);
		w->quit = 1;
		pthread_cond_signal(&w->cond);
		pthread_mutex_unlock(&w->lock);
		wake_kick(w->wake);
		pthread_join(w->thread, NULL);
	}
	pthread_cond_destroy(&w->cond);
	pthread_mutex_destroy(&w->lock);
	close(w->wake);
	free(w->fds);
	free(w->ending);
	free(w);
}
