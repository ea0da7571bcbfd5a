namespace Doctolib.Telehealth.Browser.Bench.Shaped;

/// <summary>Audio over one interval [from, to]: concealed share of the samples received in it, packets received and lost,
/// Opus FEC packets, mean jitter-buffer delay, concealment events and audio kbps.</summary>
internal sealed record AudioInterval(double ConcealedPercent, long Packets, long Lost, long Fec, double JitterBufferMs, long Events, double Kbps);

/// <summary>Figures for one sender as one receiver saw it at a time: video kbps and fps over the 2 s before, freezes and
/// audio concealment since the shaping started, and the receiver's round-trip time.</summary>
internal sealed record Figures(double Kbps, double Fps, long Freezes, double ConcealedPercent, double? RttMs, string Resolution);

/// <summary>The samples of one page, polled every half second from the shaping's start (t = 0).</summary>
internal sealed class Timeline(string receiver)
{
    private readonly List<ShapedSample> samples = [];

    public string Receiver { get; } = receiver;

    public void Add(ShapedSample sample) => samples.Add(sample);

    public Figures FiguresAt(double at, string sender)
    {
        var start = samples[0];
        var before = At(at - 2);
        var now = At(at);
        var seconds = Math.Max(0.001, now.At - before.At);
        var a = Video(before, sender);
        var b = Video(now, sender);
        var first = Video(start, sender);
        var total = now.TotalSamples - start.TotalSamples;
        var concealed = total > 0 ? 100.0 * (now.ConcealedSamples - start.ConcealedSamples) / total : double.NaN;
        return new Figures((b.Bytes - a.Bytes) * 8 / seconds / 1000, (b.Frames - a.Frames) / seconds, b.Freezes - first.Freezes,
            concealed, now.RttMs, $"{b.Width}x{b.Height}");
    }

    /// <summary>The page's sending side at <paramref name="at"/>, as shaped.js words it.</summary>
    public string SendAt(double at) => At(at).Send;

    public AudioInterval AudioBetween(double from, double to)
    {
        var a = At(from);
        var b = At(to);
        var total = b.TotalSamples - a.TotalSamples;
        var emitted = b.AudioDetail.JitterBufferEmitted - a.AudioDetail.JitterBufferEmitted;
        return new AudioInterval(total > 0 ? 100.0 * (b.ConcealedSamples - a.ConcealedSamples) / total : double.NaN,
            b.AudioPackets - a.AudioPackets, b.AudioDetail.Lost - a.AudioDetail.Lost, b.AudioDetail.Fec - a.AudioDetail.Fec,
            emitted > 0 ? 1000 * (b.AudioDetail.JitterBufferDelay - a.AudioDetail.JitterBufferDelay) / emitted : double.NaN,
            b.AudioDetail.ConcealmentEvents - a.AudioDetail.ConcealmentEvents,
            (b.AudioDetail.Bytes - a.AudioDetail.Bytes) * 8 / Math.Max(0.001, b.At - a.At) / 1000);
    }

    /// <summary>When video from <paramref name="sender"/> stopped decoding (framesDecoded flat for 2 s) while audio kept
    /// arriving, at or after <paramref name="from"/>. With <paramref name="videoStopped"/>, video bytes must have
    /// stopped too (under 1 kB over the span): the page-side sign of the audio-only switch, which a freeze under
    /// congestion (bytes still trickling in, nothing decodable) is not.</summary>
    public double? VideoStalledWithAudio(string sender, double from, bool videoStopped)
    {
        for (var i = 0; i < samples.Count; i++)
        {
            if (samples[i].At < from)
            {
                continue;
            }
            var j = i;
            while (j + 1 < samples.Count && Video(samples[j + 1], sender).Frames == Video(samples[i], sender).Frames)
            {
                j++;
            }
            if (samples[j].At - samples[i].At >= 2 && samples[j].AudioPackets > samples[i].AudioPackets
                && (!videoStopped || Video(samples[j], sender).Bytes - Video(samples[i], sender).Bytes < 1000))
            {
                return samples[i].At;
            }
        }
        return null;
    }

    /// <summary>The first time at or after <paramref name="from"/> that video from <paramref name="sender"/> decodes at
    /// 10 fps or more over one second again.</summary>
    public double? VideoBack(string sender, double from)
    {
        foreach (var sample in samples)
        {
            if (sample.At < from + 1)
            {
                continue;
            }
            var before = At(sample.At - 1);
            if ((Video(sample, sender).Frames - Video(before, sender).Frames) / Math.Max(0.001, sample.At - before.At) >= 10)
            {
                return sample.At;
            }
        }
        return null;
    }

    /// <summary>When the page first saw a video-paused hub event after the shaping started, if ever.</summary>
    public double? PauseEventAt()
    {
        var initial = samples[0].Pauses;
        return samples.FirstOrDefault(s => s.Pauses > initial)?.At;
    }

    private ShapedSample At(double at)
    {
        var found = samples[0];
        foreach (var sample in samples)
        {
            if (sample.At > at)
            {
                break;
            }
            found = sample;
        }
        return found;
    }

    private static ReceivedVideo Video(ShapedSample sample, string sender) =>
        sample.Video.TryGetValue(sender, out var video) ? video : new ReceivedVideo(0, 0, 0, 0, 0);
}
