using System.Net;
using System.Net.Sockets;
using Doctolib.Telehealth.Media.Bwe;
using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Srtp;

namespace Doctolib.Telehealth.Media.Testing;

internal sealed partial class WebRtcTestPeer
{
    private async Task ReceiveLoopAsync(Socket socket, CancellationToken cancellationToken)
    {
        await Task.Yield();
        byte[] buffer = GC.AllocateArray<byte>(2048, pinned: true);
        var source = new SocketAddress(AddressFamily.InterNetwork);
        while (!cancellationToken.IsCancellationRequested)
        {
            int length;
            try
            {
                length = await socket.ReceiveFromAsync(buffer.AsMemory(), SocketFlags.None, source, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            if (_serverAddress is null || !source.Equals(_serverAddress) || length == 0)
            {
                continue;
            }

            OnDatagram(buffer.AsSpan(0, length));
        }
    }

    private void OnDatagram(Span<byte> datagram)
    {
        byte first = datagram[0];
        if (first <= 3)
        {
            OnStun(datagram);
        }
        else if (first is >= 20 and <= 63)
        {
            _dtls?.ReceiveDatagram(datagram);
        }
        else if (first is >= 128 and <= 191 && datagram.Length >= 12)
        {
            if (datagram[1] is >= 192 and <= 223)
            {
                OnRtcp(datagram);
            }
            else
            {
                OnRtp(datagram);
            }
        }
    }

    private void OnStun(ReadOnlySpan<byte> datagram)
    {
        TaskCompletionSource<bool>? done = Volatile.Read(ref _iceDone);
        if (_ice is null || done is null)
        {
            return;
        }

        IceCheckResult result = _ice.CheckResponse(datagram, _pendingCheck);
        if (result.Status == IceCheckStatus.Success)
        {
            done.TrySetResult(true);
        }
        else if (result.Status == IceCheckStatus.ErrorResponse)
        {
            done.TrySetResult(false);
        }
    }

    private void OnRtp(Span<byte> datagram)
    {
        SrtpSession? srtp = Volatile.Read(ref _srtp);
        if (srtp is null)
        {
            return;
        }

        uint ssrc = RtpHeader.ReadSsrc(datagram);
        ushort sequence = RtpHeader.ReadSequenceNumber(datagram);
        bool recovered = false;
        if (_discard.TryGetValue(ssrc, out int discarded))
        {
            if (discarded == -1)
            {
                // Dropped before decryption, so the resent copy is no replay.
                _discard[ssrc] = sequence;
                SendNack(ssrc, sequence);
                return;
            }

            if (discarded == sequence)
            {
                recovered = true;
                _discard.TryRemove(ssrc, out _);
            }
        }

        if (srtp.TryUnprotectRtp(datagram, datagram, out int length) != SrtpUnprotectResult.Ok)
        {
            Interlocked.Increment(ref _garbageAfterConnect);
            return;
        }

        ReadOnlySpan<byte> plain = datagram.Slice(0, length);
        if (!RtpHeader.TryParse(plain, out RtpHeader header))
        {
            return;
        }

        OnTransportSequence(plain, header);
        int payloadOffset = header.HeaderLength;
        int payloadLength = header.PayloadLength;
        int payloadType = header.PayloadType;
        if (TryReadServerRtx(plain, header, out uint mediaSsrc, out ushort originalSequence))
        {
            // RFC 4588: the original packet, on the RTX stream; it counts as that stream's packet.
            ssrc = mediaSsrc;
            sequence = originalSequence;
            payloadOffset += RtxPacket.OsnLength;
            payloadLength -= RtxPacket.OsnLength;
            payloadType = ReceivedStreamPayloadType(mediaSsrc, payloadType);
            if (_discard.TryGetValue(ssrc, out int wanted) && wanted == sequence)
            {
                recovered = true;
                _discard.TryRemove(ssrc, out _);
            }
        }

        ReadOnlySpan<byte> payload = plain.Slice(payloadOffset, payloadLength);
        bool video = payloadType != Identity.AudioPayloadType;
        SyntheticMedia.TryReadSendTimestamp(payload, video, out long sent);
        bool keyframe = video && SyntheticMedia.IsKeyframeStart(payload);
        ReceivedStream stream = _streams.GetOrAdd(ssrc, static s => new ReceivedStream(s));
        stream.OnPacket(payloadType, sequence, length, keyframe, recovered ? 0 : sent, recovered);
    }

    /// <summary>The media payload type last seen on a stream (an RTX packet carries the RTX one).</summary>
    private int ReceivedStreamPayloadType(uint mediaSsrc, int rtxPayloadType) =>
        _streams.TryGetValue(mediaSsrc, out ReceivedStream? stream) && stream.PayloadType != 0 ? stream.PayloadType : rtxPayloadType;

    private void OnRtcp(Span<byte> datagram)
    {
        SrtpSession? srtp = Volatile.Read(ref _srtp);
        if (srtp is null || srtp.TryUnprotectRtcp(datagram, datagram, out int length) != SrtpUnprotectResult.Ok)
        {
            return;
        }

        var packets = new RtcpCompoundEnumerator(datagram.Slice(0, length));
        while (packets.MoveNext())
        {
            ReadOnlySpan<byte> packet = packets.Packet;
            switch (packets.Header.PacketType)
            {
                case RtcpPacketType.SenderReport:
                    Interlocked.Increment(ref _senderReports);
                    break;
                case RtcpPacketType.ReceiverReport:
                    Interlocked.Increment(ref _receiverReports);
                    break;
                case RtcpPacketType.TransportFeedback when packets.Header.Count == RtcpPacketType.FormatTransportCc:
                    OnTransportFeedback(packet);
                    break;
                case RtcpPacketType.TransportFeedback when RtcpGenericNack.TryParse(packet, out RtcpGenericNack nack):
                    Interlocked.Increment(ref _nacksReceived);
                    AnswerNack(nack);
                    break;
                case RtcpPacketType.PayloadFeedback when RtcpPictureLossIndication.TryParse(packet, out RtcpPictureLossIndication pli)
                    && pli.MediaSsrc == VideoSsrc:
                    Interlocked.Increment(ref _plisReceived);
                    _sendKeyframe = true;
                    break;
                case RtcpPacketType.PayloadFeedback when RtcpRemb.TryParse(packet, out RtcpRemb remb):
                    Interlocked.Exchange(ref _lastRemb, (long)Math.Min(remb.BitrateBps, long.MaxValue));
                    break;
            }
        }
    }
}
