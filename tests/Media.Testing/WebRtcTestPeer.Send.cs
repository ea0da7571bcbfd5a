using System.Buffers.Binary;
using Doctolib.Telehealth.Media.Rtp;
using Doctolib.Telehealth.Media.Srtp;

namespace Doctolib.Telehealth.Media.Testing;

internal sealed partial class WebRtcTestPeer
{
    public const int TicksPerSecond = 50;

    /// <summary>Sends one 20 ms tick of media: one audio packet and that tick's share of the video bitrate as one
    /// frame (marker on its last packet; a keyframe first and after each PLI).</summary>
    public void SendTick()
    {
        SrtpSession? srtp = Volatile.Read(ref _srtp);
        if (srtp is null)
        {
            return;
        }

        lock (_sendGate)
        {
            if (_options.Audio)
            {
                Span<byte> packet = _sendBuffer;
                int header = WriteRtpHeader(packet, Identity.AudioPayloadType, false, _audioSequence++, _audioTimestamp, AudioSsrc, TestPeerSdp.AudioMid);
                int length = header + SyntheticMedia.WriteAudio(packet.Slice(header), Now());
                _audioTimestamp += AudioClock;
                ProtectAndSend(srtp, length);
                AudioPacketsSent++;
            }

            if (_options.Video)
            {
                int frameBytes = Math.Max(SyntheticMedia.VideoTimestampOffset + 8, _options.VideoBitrate / 8 / TicksPerSecond);
                bool keyframe = _sendKeyframe;
                _sendKeyframe = false;
                bool start = true;
                while (frameBytes > 0)
                {
                    int size = Math.Min(frameBytes, SyntheticMedia.MaxVideoPayloadBytes);
                    frameBytes -= size;
                    Span<byte> packet = _sendBuffer;
                    ushort sequence = _videoSequence++;
                    int header = WriteRtpHeader(packet, Identity.VideoPayloadType, frameBytes == 0, sequence, _videoTimestamp, VideoSsrc, TestPeerSdp.VideoMid);
                    int length = header + SyntheticMedia.WriteVideo(packet.Slice(header), size, start, keyframe, Now());
                    start = false;
                    RememberVideo(sequence, packet[..length]);
                    VideoPacketsSent++;
                    if (TakeSkip())
                    {
                        LastSkippedVideoSequence = sequence;
                        continue;
                    }

                    ProtectAndSend(srtp, length);
                }

                _videoTimestamp += VideoClockPerTick;
            }

            _lastTickSent = Now();
        }
    }

    /// <summary>Publishes 50 ticks per second for the duration; ticks a busy machine delayed are caught up, so
    /// exactly duration x 50 ticks are sent.</summary>
    public async Task PublishAsync(TimeSpan duration, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(1000 / TicksPerSecond));
        long start = Now();
        SkipIdleTicks(start);
        long total = (long)(duration.TotalSeconds * TicksPerSecond);
        long sent = 0;
        while (sent < total && await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            long due = Math.Min(total, 1 + ((Now() - start) * TicksPerSecond / System.Diagnostics.Stopwatch.Frequency));
            while (sent < due)
            {
                SendTick();
                sent++;
            }
        }
    }

    /// <summary>RTP timestamps follow the capture clock, as a browser's do: a publisher that sent nothing for a while
    /// resumes with timestamps advanced by that time, not where its last packet left them (audio that arrives later
    /// than its timestamp says reads as a queue on the way).</summary>
    private void SkipIdleTicks(long now)
    {
        lock (_sendGate)
        {
            if (_lastTickSent != 0)
            {
                long idle = ((now - _lastTickSent) * TicksPerSecond / System.Diagnostics.Stopwatch.Frequency) - 1;
                if (idle > 0)
                {
                    _audioTimestamp += (uint)(idle * AudioClock);
                    _videoTimestamp += (uint)(idle * VideoClockPerTick);
                }
            }
        }
    }

    public long AudioPacketsSent { get; private set; }

    /// <summary>The video sequence number <see cref="SkipNextVideoPacket"/> last left unsent, or -1.</summary>
    public int LastSkippedVideoSequence { get; private set; } = -1;

    public long VideoPacketsSent { get; private set; }

    /// <summary>Asks the server for a keyframe of a track it forwards to us.</summary>
    public void SendPli(uint mediaSsrc)
    {
        Span<byte> rtcp = stackalloc byte[RtcpPictureLossIndication.Length];
        SendRtcp(rtcp[..RtcpPictureLossIndication.Write(rtcp, VideoSsrc, mediaSsrc)]);
    }

    /// <summary>Generic NACK for one sequence number of a track the server forwards to us.</summary>
    public void SendNack(uint mediaSsrc, ushort sequence)
    {
        Span<byte> rtcp = stackalloc byte[16];
        ReadOnlySpan<RtcpNackItem> item = stackalloc RtcpNackItem[] { new(sequence, 0) };
        SendRtcp(rtcp[..RtcpGenericNack.Write(rtcp, VideoSsrc, mediaSsrc, item)]);
    }

    private void SendRtcp(ReadOnlySpan<byte> plain)
    {
        SrtpSession? srtp = Volatile.Read(ref _srtp);
        if (srtp is null)
        {
            return;
        }

        Span<byte> output = stackalloc byte[plain.Length + 64];
        if (srtp.TryProtectRtcp(plain, output, out int written))
        {
            SendDatagram(output.Slice(0, written));
        }
    }

    private void ProtectAndSend(SrtpSession srtp, int length)
    {
        if (srtp.TryProtectRtp(_sendBuffer.AsSpan(0, length), _sendBuffer, out int written))
        {
            SendDatagram(_sendBuffer.AsSpan(0, written));
            PacketsSent++;
        }
    }

    /// <summary>RTP header with a one-byte-profile MID extension, as browsers send under BUNDLE, and the next
    /// transport-wide sequence number when the peer offers transport-cc.</summary>
    private int WriteRtpHeader(Span<byte> packet, int payloadType, bool marker, ushort sequence, uint timestamp, uint ssrc, string mid)
    {
        RtpHeader.WriteFixed(packet, marker, payloadType, sequence, timestamp, ssrc, hasExtension: true);
        BinaryPrimitives.WriteUInt16BigEndian(packet.Slice(12), RtpHeader.OneByteExtensionProfile);
        packet[16] = (byte)(TestPeerSdp.MidExtensionId << 4);
        packet[17] = (byte)mid[0];
        if (Identity.TransportWideCcId is >= 1 and <= 14)
        {
            BinaryPrimitives.WriteUInt16BigEndian(packet.Slice(14), 2);
            packet[18] = (byte)((Identity.TransportWideCcId << 4) | 1);
            BinaryPrimitives.WriteUInt16BigEndian(packet.Slice(19), NextTransportSequence());
            packet[21] = 0;
            packet[22] = 0;
            packet[23] = 0;
            return 24;
        }

        BinaryPrimitives.WriteUInt16BigEndian(packet.Slice(14), 1);
        packet[18] = 0;
        packet[19] = 0;
        return 20;
    }
}
