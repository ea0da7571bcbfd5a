using System.Text.Json;

namespace Doctolib.Telehealth.Browser.Bench.Shaped;

/// <summary>What one page received from one sender so far.</summary>
internal sealed record ReceivedVideo(long Bytes, long Frames, long Freezes, int Width, int Height);

/// <summary>Audio receive details (all inbound audio summed): packets lost, Opus FEC packets received, the jitter
/// buffer's total delay (s) over the samples it emitted, concealment events and bytes received.</summary>
internal sealed record ReceivedAudio(long Lost, long Fec, double JitterBufferDelay, double JitterBufferEmitted, long ConcealmentEvents, long Bytes);

/// <summary>One poll of one page's getStats (shaped.js, shapedSample): seconds since the shaping started (the bench's
/// clock), received video per sender stream id, audio totals, the selected pair's local port and round-trip time, and
/// how many video-paused / resumed hub events the page has seen, and the page's sending side in words (for BENCH_SEND).</summary>
internal sealed record ShapedSample(double At, IReadOnlyDictionary<string, ReceivedVideo> Video, long AudioPackets,
    double ConcealedSamples, double TotalSamples, int? LocalPort, double? RttMs, int Pauses, int Resumes, ReceivedAudio AudioDetail,
    string Send)
{
    public static ShapedSample From(double at, JsonElement json)
    {
        var video = new Dictionary<string, ReceivedVideo>();
        foreach (var entry in json.GetProperty("video").EnumerateObject())
        {
            if (entry.Value.ValueKind != JsonValueKind.Object)
            {
                continue; // Playwright's own "$id" bookkeeping
            }
            var v = entry.Value;
            video[entry.Name] = new ReceivedVideo(v.GetProperty("bytes").GetInt64(), v.GetProperty("frames").GetInt64(),
                v.GetProperty("freezes").GetInt64(), v.GetProperty("w").GetInt32(), v.GetProperty("h").GetInt32());
        }
        var audio = json.GetProperty("audio");
        return new ShapedSample(at, video, audio.GetProperty("packets").GetInt64(), audio.GetProperty("concealed").GetDouble(),
            audio.GetProperty("total").GetDouble(),
            json.GetProperty("localPort").ValueKind == JsonValueKind.Number ? json.GetProperty("localPort").GetInt32() : null,
            json.GetProperty("rttMs").ValueKind == JsonValueKind.Number ? json.GetProperty("rttMs").GetDouble() : null,
            json.GetProperty("pauses").GetInt32(), json.GetProperty("resumes").GetInt32(),
            new ReceivedAudio(audio.GetProperty("lost").GetInt64(), audio.GetProperty("fec").GetInt64(), audio.GetProperty("jbDelay").GetDouble(),
                audio.GetProperty("jbEmitted").GetDouble(), audio.GetProperty("events").GetInt64(), audio.GetProperty("bytes").GetInt64()),
            json.TryGetProperty("send", out var send) ? send.GetString() ?? "" : "");
    }
}
