/* pktio — AF_PACKET sockets for IS-IS on 802.3/LLC (ISO 10589 8.4.8; see
 * speaker/pktio.h). One socket per circuit, bound to its ifindex with protocol
 * ETH_P_802_2 so the kernel hands us only LLC frames of that interface and builds the
 * 802.3 header (length field) on send. Used by speaker/speaker.c. */
#include "speaker/pktio.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const uint8_t all_iss[6] = {0x09, 0x00, 0x2b, 0x00, 0x00, 0x05};
static const uint8_t all_l1_iss[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x14};
static const uint8_t all_l2_iss[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x15};
static const uint8_t llc[3] = {0xfe, 0xfe, 0x03};

int isis_pkt_open(uint32_t ifindex, char *err, size_t errlen)
{
	int fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_802_2));
	struct sockaddr_ll sll;

	if (fd < 0) {
		int e = errno;

		snprintf(err, errlen, "AF_PACKET socket: %s%s", strerror(e),
			 e == EPERM ? " (needs CAP_NET_RAW)" : "");
		return -e;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_802_2);
	sll.sll_ifindex = (int)ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) < 0) {
		int e = errno;

		snprintf(err, errlen, "bind to ifindex %u: %s", ifindex, strerror(e));
		close(fd);
		return -e;
	}
	const uint8_t *groups[] = {all_iss, all_l1_iss, all_l2_iss};

	for (size_t i = 0; i < 3; i++) {
		struct packet_mreq mr;

		memset(&mr, 0, sizeof(mr));
		mr.mr_ifindex = (int)ifindex;
		mr.mr_type = PACKET_MR_MULTICAST;
		mr.mr_alen = 6;
		memcpy(mr.mr_address, groups[i], 6);
		if (setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof(mr)) < 0) {
			int e = errno;

			snprintf(err, errlen, "join IS-IS group address on ifindex %u: %s",
				 ifindex, strerror(e));
			close(fd);
			return -e;
		}
	}
	return fd;
}

int isis_pkt_send(int fd, uint32_t ifindex, const uint8_t *pdu, size_t len)
{
	struct sockaddr_ll sll;
	struct iovec iov[2] = {{(void *)llc, sizeof(llc)}, {(void *)pdu, len}};
	struct msghdr m;

	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_802_2);
	sll.sll_ifindex = (int)ifindex;
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, all_iss, 6);
	memset(&m, 0, sizeof(m));
	m.msg_name = &sll;
	m.msg_namelen = sizeof(sll);
	m.msg_iov = iov;
	m.msg_iovlen = 2;
	if (sendmsg(fd, &m, MSG_DONTWAIT) < 0)
		return -errno;
	return 0;
}

ssize_t isis_pkt_recv(int fd, uint8_t *buf, size_t cap, uint8_t src[6])
{
	struct sockaddr_ll sll;
	socklen_t sl = sizeof(sll);
	ssize_t n = recvfrom(fd, buf, cap, MSG_DONTWAIT | MSG_TRUNC, (struct sockaddr *)&sll, &sl);

	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (sll.sll_pkttype == PACKET_OUTGOING)
		return 0;
	if ((size_t)n > cap)
		return -EMSGSIZE;
	memset(src, 0, 6);
	if (sll.sll_halen == 6)
		memcpy(src, sll.sll_addr, 6);
	return n;
}

int isis_llc_strip(const uint8_t *buf, size_t n, const uint8_t **pdu, size_t *len)
{
	if (n < sizeof(llc) || memcmp(buf, llc, sizeof(llc)) != 0)
		return -EPROTO;
	*pdu = buf + sizeof(llc);
	*len = n - sizeof(llc);
	return 0;
}
