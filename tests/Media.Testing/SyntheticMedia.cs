using System.Buffers.Binary;
using System.Diagnostics;

namespace Doctolib.Telehealth.Media.Testing;

/// <summary>Writes the synthetic RTP payloads the test peer publishes: each carries its send time (a
/// <see cref="Stopwatch"/> timestamp, comparable across processes on one machine) so the receiver measures latency.
/// Video payloads start with a VP8-like descriptor byte and a keyframe flag byte.</summary>
internal static class SyntheticMedia
{
    public const int AudioPayloadBytes = 100;
    public const int MaxVideoPayloadBytes = 1100;
    public const int AudioTimestampOffset = 0;
    public const int VideoTimestampOffset = 2;
    public const byte VideoStartOfFrame = 0x10;
    public const byte KeyframeFlag = 0x00;
    public const byte DeltaFrameFlag = 0x01;

    public static int WriteAudio(Span<byte> payload, long sendTimestamp)
    {
        Span<byte> body = payload.Slice(0, AudioPayloadBytes);
        body.Fill(0xA5);
        BinaryPrimitives.WriteInt64BigEndian(body.Slice(AudioTimestampOffset), sendTimestamp);
        return AudioPayloadBytes;
    }

    public static int WriteVideo(Span<byte> payload, int size, bool startOfFrame, bool keyframe, long sendTimestamp)
    {
        Span<byte> body = payload.Slice(0, Math.Clamp(size, VideoTimestampOffset + 8, MaxVideoPayloadBytes));
        body.Fill(0x5A);
        body[0] = startOfFrame ? VideoStartOfFrame : (byte)0;
        body[1] = keyframe ? KeyframeFlag : DeltaFrameFlag;
        BinaryPrimitives.WriteInt64BigEndian(body.Slice(VideoTimestampOffset), sendTimestamp);
        return body.Length;
    }

    public static bool TryReadSendTimestamp(ReadOnlySpan<byte> payload, bool video, out long sendTimestamp)
    {
        int offset = video ? VideoTimestampOffset : AudioTimestampOffset;
        if (payload.Length < offset + 8)
        {
            sendTimestamp = 0;
            return false;
        }

        sendTimestamp = BinaryPrimitives.ReadInt64BigEndian(payload.Slice(offset));
        return true;
    }

    public static bool IsKeyframeStart(ReadOnlySpan<byte> payload) =>
        payload.Length >= 2 && payload[0] == VideoStartOfFrame && payload[1] == KeyframeFlag;
}
