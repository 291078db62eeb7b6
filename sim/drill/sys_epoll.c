/* sim/drill/sys_epoll.c — epoll and poll over netsim's readiness (models/tcp/socket.h).
 *
 * netsim reports readiness through one callback per socket; here it is registered
 * edge-triggered, so every newly arisen condition (data arrived, space opened, FIN,
 * reset, error) arrives once. That is the wakeup epoll's ep_poll_callback receives in
 * Linux (fs/eventpoll.c): it puts the item on the ready list if the wakeup concerns
 * its interest. epoll_wait walks the ready list in order, reports the current mask &
 * interest, keeps level-triggered items on the list and drops edge-triggered ones
 * (ep_send_events), so EPOLLET reports a condition again only after a new wakeup —
 * whether netsim's TCP wakes where Linux's does is exactly what the epoll scripts
 * observe. The poll mask maps netsim's conditions onto Linux's tcp_poll() bits.
 */
#include <errno.h>
#include <string.h>

#include "sim/drill/run_int.h"

/* Linux's EPOLL* / POLL* bits (include/uapi/linux/eventpoll.h). */
#define EP_IN      0x1u
#define EP_OUT     0x4u
#define EP_ERR     0x8u
#define EP_HUP     0x10u
#define EP_NVAL    0x20u
#define EP_RDNORM  0x40u
#define EP_WRNORM  0x100u
#define EP_RDHUP   0x2000u
#define EP_ONESHOT (1u << 30)
#define EP_ET      (1u << 31)

uint32_t drill_poll_mask(const struct drill_fd *fd)
{
	if (fd->kind != DFD_SOCKET)
		return 0;
	uint32_t ev = tcp_poll(fd->sock), m = 0;
	if (ev & TCP_EV_READABLE)
		m |= EP_IN | EP_RDNORM;
	if (ev & TCP_EV_WRITABLE)
		m |= EP_OUT | EP_WRNORM;
	if (ev & TCP_EV_HUP)
		m |= EP_HUP;
	if (ev & TCP_EV_ERROR)
		m |= EP_ERR;
	/* Linux tcp_poll: the receive side shut down (the peer's FIN, or a reset) adds
	 * EPOLLRDHUP; a send side shut down (our FIN, a reset, a socket never
	 * connected) is EPOLLOUT, since a write would not block; CLOSE is EPOLLHUP. */
	enum tcp_state st = tcp_sock_state(fd->sock);
	switch (st) {
	case TCP_LAST_ACK:
	case TCP_CLOSING:
	case TCP_TIME_WAIT:
		m |= EP_OUT | EP_WRNORM;
		/* fall through */
	case TCP_CLOSE_WAIT:
		m |= EP_RDHUP | EP_IN | EP_RDNORM;
		break;
	case TCP_FIN_WAIT_1:
	case TCP_FIN_WAIT_2:
		m |= EP_OUT | EP_WRNORM;
		break;
	case TCP_CLOSED:
		m |= EP_HUP | EP_OUT | EP_WRNORM;
		if (ev & TCP_EV_HUP)
			m |= EP_RDHUP;
		break;
	default:
		break;
	}
	return m;
}

static void ready_add(struct drill_fd *ep, struct drill_epoll_item *it)
{
	if (!it->ready) {
		it->ready = true;
		g_queue_push_tail(&ep->ready, it);
	}
}

void drill_epoll_wake(struct drill_run *r, struct drill_fd *fd, uint32_t events)
{
	uint32_t key = 0;
	if (events & TCP_EV_READABLE)
		key |= EP_IN | EP_RDNORM;
	if (events & TCP_EV_WRITABLE)
		key |= EP_OUT | EP_WRNORM;
	if (events & TCP_EV_HUP)
		key |= EP_HUP | EP_IN | EP_RDHUP | EP_OUT;
	if (events & TCP_EV_ERROR)
		key |= EP_ERR;
	for (guint i = 0; i < r->fds->len; i++) {
		struct drill_fd *ep = r->fds->pdata[i];
		if (ep->kind != DFD_EPOLL)
			continue;
		for (guint k = 0; k < ep->items->len; k++) {
			struct drill_epoll_item *it = ep->items->pdata[k];
			if (it->target == fd && (key & it->events & ~(EP_ET | EP_ONESHOT)))
				ready_add(ep, it);
		}
	}
}

static void item_remove(struct drill_fd *ep, struct drill_epoll_item *it)
{
	g_queue_remove(&ep->ready, it);
	g_ptr_array_remove(ep->items, it);
}

void drill_epoll_forget(struct drill_run *r, struct drill_fd *gone)
{
	for (guint i = 0; i < r->fds->len; i++) {
		struct drill_fd *ep = r->fds->pdata[i];
		if (ep->kind != DFD_EPOLL)
			continue;
		for (guint k = ep->items->len; k-- > 0;) {
			struct drill_epoll_item *it = ep->items->pdata[k];
			if (it->target == gone)
				item_remove(ep, it);
		}
	}
}

void drill_epoll_free(struct drill_fd *ep)
{
	g_queue_clear(&ep->ready);
	g_ptr_array_free(ep->items, TRUE);
	ep->items = NULL;
}

int drill_sys_epoll_create(struct drill_run *r, struct drill_call *c, int64_t *ret)
{
	int64_t size;
	if (c->sc->n_args != 1 || drill_int_arg(r, c->e, c->sc->args[0], &size)) {
		if (!r->done)
			drill_fail(r, c->e->line, "%s: expected one argument", c->sc->name);
		return -1;
	}
	bool create1 = !strcmp(c->sc->name, "epoll_create1");
	if (create1 ? (size & ~02000000) != 0 : size <= 0) {
		*ret = -EINVAL;
		return 0;
	}
	c->newfd = drill_fd_new(r, DFD_EPOLL, -1, NULL);
	c->newfd->items = g_ptr_array_new_with_free_func(g_free);
	g_queue_init(&c->newfd->ready);
	*ret = 0;
	return 0;
}

/* {events=MASK, fd=N} (or ptr=, u32=, u64=): the mask and the data. */
static int epoll_event_arg(struct drill_run *r, struct drill_call *c, const struct drill_expr *x,
                           uint32_t *events, uint64_t *data)
{
	if (!x || x->kind != DRILL_EX_STRUCT) {
		drill_fail(r, c->e->line, "%s: expected {events=..., fd=...}", c->sc->name);
		return -1;
	}
	*events = 0;
	*data = 0;
	for (int i = 0; i < x->n; i++) {
		const struct drill_field *f = &x->fields[i];
		int64_t v;
		if (!f->name || drill_int_arg(r, c->e, f->value, &v)) {
			if (!r->done)
				drill_fail(r, c->e->line, "%s: expected {events=..., fd=...}",
				           c->sc->name);
			return -1;
		}
		if (!strcmp(f->name, "events"))
			*events = (uint32_t)v;
		else
			*data = (uint64_t)v;
	}
	return 0;
}

static struct drill_epoll_item *item_find(struct drill_fd *ep, const struct drill_fd *target)
{
	for (guint k = 0; k < ep->items->len; k++) {
		struct drill_epoll_item *it = ep->items->pdata[k];
		if (it->target == target)
			return it;
	}
	return NULL;
}

int drill_sys_epoll_ctl(struct drill_run *r, struct drill_call *c, int64_t *ret)
{
	int64_t epfd, op, fd;
	uint32_t events = 0;
	uint64_t data = 0;
	if (c->sc->n_args != 4 || drill_int_arg(r, c->e, c->sc->args[0], &epfd) ||
	    drill_int_arg(r, c->e, c->sc->args[1], &op) ||
	    drill_int_arg(r, c->e, c->sc->args[2], &fd) ||
	    (op != 2 && epoll_event_arg(r, c, c->sc->args[3], &events, &data))) {
		if (!r->done)
			drill_fail(r, c->e->line,
			           "epoll_ctl: expected (epfd, op, fd, {events, fd})");
		return -1;
	}
	struct drill_fd *ep = drill_fd_find(r, (int)epfd), *t = drill_fd_find(r, (int)fd);
	if (!ep || !t) {
		*ret = -EBADF;
		return 0;
	}
	if (ep->kind != DFD_EPOLL || t == ep) {
		*ret = -EINVAL;
		return 0;
	}
	if (t->kind != DFD_SOCKET) {
		drill_skip(r, c->e->line, "needs nested epoll instances");
		return -1;
	}
	struct drill_epoll_item *it = item_find(ep, t);
	*ret = 0;
	if (op == 1 && it) {
		*ret = -EEXIST;
	} else if ((op == 2 || op == 3) && !it) {
		*ret = -ENOENT;
	} else if (op == 2) {
		item_remove(ep, it);
	} else if (op == 1 || op == 3) {
		if (!it) {
			it = g_new0(struct drill_epoll_item, 1);
			g_ptr_array_add(ep->items, it);
		}
		it->target = t;
		it->script_fd = (int)fd;
		it->events = events | EP_ERR | EP_HUP; /* always reported (do_epoll_ctl) */
		it->data = data;
		/* ep_insert / ep_modify: an item already ready goes on the ready list. */
		if (drill_poll_mask(t) & it->events)
			ready_add(ep, it);
	} else {
		*ret = -EINVAL;
	}
	return 0;
}

static bool try_epoll_wait(struct drill_run *r, struct drill_call *c, int64_t *ret)
{
	(void)r;
	struct drill_fd *ep = c->fd;
	int64_t n = 0;
	guint todo = g_queue_get_length(&ep->ready);
	for (guint i = 0; i < todo && n < c->maxevents; i++) {
		struct drill_epoll_item *it = g_queue_pop_head(&ep->ready);
		uint32_t rev = drill_poll_mask(it->target) & it->events;
		if (!rev) {
			it->ready = false;
			continue;
		}
		if (n++ == 0) {
			c->got_events = rev;
			c->got_data = it->data;
		}
		if (it->events & EP_ONESHOT) {
			it->events &= EP_ONESHOT | EP_ET; /* disarmed until EPOLL_CTL_MOD */
			it->ready = false;
		} else if (it->events & EP_ET) {
			it->ready = false;
		} else {
			g_queue_push_tail(&ep->ready, it); /* level-triggered: stays */
		}
	}
	*ret = n;
	return n > 0 || c->timeout_ms == 0 || c->timed_out;
}

int drill_sys_epoll_wait(struct drill_run *r, struct drill_call *c)
{
	int64_t epfd;
	if (c->sc->n_args < 4 || drill_int_arg(r, c->e, c->sc->args[0], &epfd) ||
	    drill_int_arg(r, c->e, c->sc->args[2], &c->maxevents) ||
	    drill_int_arg(r, c->e, c->sc->args[3], &c->timeout_ms)) {
		if (!r->done)
			drill_fail(r, c->e->line,
			           "epoll_wait: expected (epfd, {events}, max, timeout)");
		return -1;
	}
	c->fd = drill_fd_find(r, (int)epfd);
	if (!c->fd || c->fd->kind != DFD_EPOLL || c->maxevents <= 0) {
		drill_fail(r, c->e->line, "epoll_wait: %lld is not an epoll descriptor",
		           (long long)epfd);
		return -1;
	}
	c->try_call = try_epoll_wait;
	return 0;
}

static bool try_poll(struct drill_run *r, struct drill_call *c, int64_t *ret)
{
	const struct drill_expr *list = c->sc->args[0];
	int64_t n = 0;
	for (int i = 0; i < list->n; i++) {
		const struct drill_expr *p = list->items[i];
		int64_t fd = -1, events = 0;
		for (int k = 0; k < p->n; k++) {
			const struct drill_field *f = &p->fields[k];
			if (f->name && !strcmp(f->name, "fd"))
				drill_int_arg(r, c->e, f->value, &fd);
			else if (f->name && !strcmp(f->name, "events"))
				drill_int_arg(r, c->e, f->value, &events);
		}
		struct drill_fd *d = drill_fd_find(r, (int)fd);
		uint32_t rev =
		    d ? drill_poll_mask(d) & ((uint32_t)events | EP_ERR | EP_HUP) : EP_NVAL;
		c->revents[i] = rev;
		n += rev != 0;
	}
	*ret = n;
	return n > 0 || c->timeout_ms == 0 || c->timed_out;
}

int drill_sys_poll(struct drill_run *r, struct drill_call *c)
{
	const struct drill_expr *list = c->sc->n_args == 3 ? c->sc->args[0] : NULL;
	int64_t nfds;
	if (!list || list->kind != DRILL_EX_LIST || drill_int_arg(r, c->e, c->sc->args[1], &nfds) ||
	    drill_int_arg(r, c->e, c->sc->args[2], &c->timeout_ms) || nfds != list->n) {
		if (!r->done)
			drill_fail(r, c->e->line,
			           "poll: expected ([{fd, events, revents}...], n, timeout)");
		return -1;
	}
	for (int i = 0; i < list->n; i++)
		if (list->items[i]->kind != DRILL_EX_STRUCT) {
			drill_fail(r, c->e->line, "poll: expected {fd=..., events=...} entries");
			return -1;
		}
	c->revents = g_new0(uint32_t, list->n ? list->n : 1);
	c->n_revents = list->n;
	c->try_call = try_poll;
	return 0;
}

void drill_sys_check_events(struct drill_run *r, struct drill_call *c, int64_t ret)
{
	if (!strcmp(c->sc->name, "poll")) {
		const struct drill_expr *list = c->sc->args[0];
		for (int i = 0; i < c->n_revents; i++) {
			int64_t want = 0;
			for (int k = 0; k < list->items[i]->n; k++) {
				const struct drill_field *f = &list->items[i]->fields[k];
				if (f->name && !strcmp(f->name, "revents") &&
				    drill_int_arg(r, c->e, f->value, &want))
					return;
			}
			if ((uint32_t)want != c->revents[i]) {
				drill_fail(r, c->e->line,
				           "expected poll() revents 0x%llx for entry %d, got 0x%x",
				           (long long)want, i, c->revents[i]);
				return;
			}
		}
		return;
	}
	if (ret == 0 || strncmp(c->sc->name, "epoll_wait", 10) != 0)
		return;
	uint32_t events;
	uint64_t data;
	if (epoll_event_arg(r, c, c->sc->args[1], &events, &data))
		return;
	if (events != c->got_events || data != c->got_data)
		drill_fail(
		    r, c->e->line,
		    "expected epoll_wait() to report {events=0x%x, data=%llu}, got {events=0x%x, "
		    "data=%llu}",
		    events, (unsigned long long)data, c->got_events,
		    (unsigned long long)c->got_data);
}
