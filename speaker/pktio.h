/* pktio — IS-IS frames on a Linux interface: an AF_PACKET socket per circuit carrying
 * 802.3 frames with an 802.2 LLC header (DSAP and SSAP 0xFE, UI; ISO 10589 8.4.8), sent to
 * the AllISs group address 09:00:2b:00:00:05 (as FRR's isisd does on point-to-point
 * circuits) and received from it and from AllL1ISs and AllL2ISs (01:80:c2:00:00:14 and :15).
 * The kernel writes the 802.3 length field (SOCK_DGRAM with protocol ETH_P_802_2).
 * isis_llc_strip is the pure part (checks and removes the LLC header); the rest are
 * thin socket calls used by speaker/speaker.c. */
#ifndef KVTE_SPEAKER_PKTIO_H
#define KVTE_SPEAKER_PKTIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ISIS_FRAME_MAX 9216	/* jumbo MTU; larger frames are truncated and rejected */

/* Open a socket bound to ifindex, joined to the IS-IS group addresses. Returns the
 * non-blocking fd or a negative errno with a reason in err. */
int isis_pkt_open(uint32_t ifindex, char *err, size_t errlen);
/* Send one PDU (LLC header prepended). 0 or a negative errno. */
int isis_pkt_send(int fd, uint32_t ifindex, const uint8_t *pdu, size_t len);
/* Receive one frame: the payload (LLC header included) into buf, the sender's MAC into
 * src. Returns the length, 0 for a frame to ignore (our own), -EAGAIN when
 * nothing is left, or another negative errno. */
ssize_t isis_pkt_recv(int fd, uint8_t *buf, size_t cap, uint8_t src[6]);
/* The IS-IS PDU inside an LLC payload: *pdu and *len, or -EPROTO (not fe fe 03). */
int isis_llc_strip(const uint8_t *buf, size_t n, const uint8_t **pdu, size_t *len);

#endif
