using System.Globalization;

namespace Doctolib.Telehealth.Browser.Bench.Shaped;

/// <summary>Prints a shaping's figures side by side and its goals (issue 12) beside them.</summary>
internal static class ShapedReport
{
    public static void PrintPair(Shaping shaping, Dictionary<Party, (Timeline Timeline, string StreamId)> relayed,
        Dictionary<Party, (Timeline Timeline, string StreamId)> direct, double[] times)
    {
        var directions = new[] { (Receiver: Party.Practitioner, Sender: Party.Patient), (Receiver: Party.Patient, Sender: Party.Practitioner) };
        foreach (var at in times)
        {
            foreach (var (receiver, sender) in directions)
            {
                var r = Figures(relayed, receiver, sender, at);
                var d = Figures(direct, receiver, sender, at);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  t={at,2} s  {Label(receiver, sender),-22} relay {Cell(r)} | direct {Cell(d)} | kbps {Percent(r.Kbps, d.Kbps)}"));
            }
            PrintSend(at, [Party.Patient, Party.Practitioner], ("relay", relayed), ("direct", direct));
        }
        var shapedDirections = directions.Where(d => shaping.Limits.Any(l =>
            (l.Direction == EndToEnd.Tests.Support.ShapedDirection.Uplink && l.Party == d.Sender) ||
            (l.Direction == EndToEnd.Tests.Support.ShapedDirection.Downlink && l.Party == d.Receiver))).ToArray();
        foreach (var (receiver, sender) in shapedDirections)
        {
            var label = Label(receiver, sender);
            if (!shaping.AudioOnlyExpected)
            {
                foreach (var at in new double[] { 20, 40 })
                {
                    var ratio = Figures(relayed, receiver, sender, at).Kbps / Math.Max(1, Figures(direct, receiver, sender, at).Kbps);
                    Goal($"{label}: relayed kbps at {at} s = {100 * ratio:0} % of direct", "≥ 90 %", ratio >= 0.9);
                }
            }
            var rf = Figures(relayed, receiver, sender, 40).Freezes;
            var df = Figures(direct, receiver, sender, 40).Freezes;
            Goal($"{label}: freezes by 40 s relayed {rf}, direct {df}", "no more than direct", rf <= df);
        }
        foreach (var (receiver, sender) in directions)
        {
            var rc = Figures(relayed, receiver, sender, 40).ConcealedPercent;
            var dc = Figures(direct, receiver, sender, 40).ConcealedPercent;
            Goal(string.Create(CultureInfo.InvariantCulture, $"{Label(receiver, sender)}: audio concealed by 40 s relayed {rc:0.0} %, direct {dc:0.0} %"),
                "≤ 2 %", rc <= 2);
        }
        PrintAudioIntervals(relayed, direct, directions);
        if (shaping.AudioOnlyExpected)
        {
            foreach (var (receiver, sender) in directions)
            {
                var timeline = relayed[receiver].Timeline;
                var evented = timeline.PauseEventAt();
                var paused = timeline.VideoStalledWithAudio(relayed[sender].StreamId, 0, videoStopped: true);
                var frozen = timeline.VideoStalledWithAudio(relayed[sender].StreamId, 0, videoStopped: false);
                var directFrozen = direct[receiver].Timeline.VideoStalledWithAudio(direct[sender].StreamId, 0, videoStopped: false);
                var seen = evented ?? paused;
                var how = evented is not null ? "hub event" : "no hub event; from the page: video frames and bytes flat ≥ 2 s while audio arrives";
                Goal(string.Create(CultureInfo.InvariantCulture, $"{Label(receiver, sender)}: audio-only switch {Seconds(seen)} after the drop ({how})"),
                    "≤ 5 s", seen is <= 5);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    info: {Label(receiver, sender)}: video frozen (frames flat ≥ 2 s, audio on) from {Seconds(frozen)} relayed, {Seconds(directFrozen)} direct"));
            }
        }
        if (shaping.LiftAt is { } lift)
        {
            foreach (var (receiver, sender) in directions)
            {
                var back = relayed[receiver].Timeline.VideoBack(relayed[sender].StreamId, lift);
                var directBack = direct[receiver].Timeline.VideoBack(direct[sender].StreamId, lift);
                Goal(string.Create(CultureInfo.InvariantCulture,
                        $"{Label(receiver, sender)}: video back (≥ 10 fps) {Seconds(back - lift)} after the recovery; direct {Seconds(directBack - lift)}"),
                    "≤ 10 s", back - lift is <= 10);
            }
        }
    }

    public static void PrintThreeParty(Shaping shaping, Dictionary<Party, (Timeline Timeline, string StreamId)> unshaped,
        Dictionary<Party, (Timeline Timeline, string StreamId)> shaped, double[] times)
    {
        var pairs = new[]
        {
            (Receiver: Party.Patient, Sender: Party.Practitioner), (Receiver: Party.Practitioner, Sender: Party.Patient),
            (Receiver: Party.Guest, Sender: Party.Practitioner), (Receiver: Party.Practitioner, Sender: Party.Guest),
        };
        foreach (var at in times)
        {
            foreach (var (receiver, sender) in pairs)
            {
                var s = Figures(shaped, receiver, sender, at);
                var u = Figures(unshaped, receiver, sender, at);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  t={at,2} s  {Label(receiver, sender),-22} shaped {Cell(s)} | unshaped {Cell(u)} | kbps {Percent(s.Kbps, u.Kbps)}"));
            }
            PrintSend(at, [Party.Patient, Party.Practitioner, Party.Guest], ("shaped", shaped), ("unshaped", unshaped));
        }
        foreach (var (receiver, sender) in pairs.Take(2))
        {
            foreach (var at in times)
            {
                var ratio = Figures(shaped, receiver, sender, at).Kbps / Math.Max(1, Figures(unshaped, receiver, sender, at).Kbps);
                Goal($"{Label(receiver, sender)} with the guest at 300 kbit: {100 * ratio:0} % of unshaped at {at} s", "≥ 90 %", ratio >= 0.9);
            }
        }
        _ = shaping;
    }

    /// <summary>With BENCH_SEND=1: what each page sends at <paramref name="at"/> (send-side estimate, and per video
    /// encoding its rid, size, target bitrate and quality limitation), in each of the two calls.</summary>
    private static void PrintSend(double at, Party[] parties, params (string Name, Dictionary<Party, (Timeline Timeline, string StreamId)> Call)[] calls)
    {
        if (Environment.GetEnvironmentVariable("BENCH_SEND") is not "1")
        {
            return;
        }
        foreach (var party in parties)
        {
            Console.WriteLine($"  t={at,2} s  {party.ToString().ToLowerInvariant(),-12} sends  " +
                string.Join(" | ", calls.Select(c => $"{c.Name}: {c.Call[party].Timeline.SendAt(at)}")));
        }
    }

    /// <summary>Per-interval audio beside the cumulative figures: where in the call the concealment happens.</summary>
    private static void PrintAudioIntervals(Dictionary<Party, (Timeline Timeline, string StreamId)> relayed,
        Dictionary<Party, (Timeline Timeline, string StreamId)> direct, (Party Receiver, Party Sender)[] directions)
    {
        foreach (var (receiver, sender) in directions)
        {
            foreach (var (from, to) in new (double, double)[] { (0, 10), (10, 20), (20, 40) })
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    audio {Label(receiver, sender),-22} [{from,2}, {to,2}] s relay {Audio(relayed[receiver].Timeline.AudioBetween(from, to))} | direct {Audio(direct[receiver].Timeline.AudioBetween(from, to))}"));
            }
            if (Environment.GetEnvironmentVariable("BENCH_AUDIO_SECONDS") is "1")
            {
                foreach (var (name, call) in new[] { ("relay", relayed), ("direct", direct) })
                {
                    var line = string.Join(' ', Enumerable.Range(0, 40).Select(t =>
                        call[receiver].Timeline.AudioBetween(t, t + 1).ConcealedPercent.ToString("0", CultureInfo.InvariantCulture)));
                    Console.WriteLine($"    audio {Label(receiver, sender),-22} {name,-6} concealed % per second: {line}");
                }
            }
        }
    }

    private static string Audio(AudioInterval a) => string.Create(CultureInfo.InvariantCulture,
        $"conc {a.ConcealedPercent,4:0.0} % ({a.Events,3} ev) pkts {a.Packets,4} lost {a.Lost,3} fec {a.Fec,3} jb {a.JitterBufferMs,4:0} ms {a.Kbps,3:0} kbps");

    private static Figures Figures(Dictionary<Party, (Timeline Timeline, string StreamId)> call, Party receiver, Party sender, double at) =>
        call[receiver].Timeline.FiguresAt(at, call[sender].StreamId);

    private static string Label(Party receiver, Party sender) => $"{receiver.ToString().ToLowerInvariant()}<-{sender.ToString().ToLowerInvariant()}";

    private static string Cell(Figures f) => string.Create(CultureInfo.InvariantCulture,
        $"{f.Kbps,5:0} kbps {f.Fps,4:0.0} fps {f.Freezes,2} frz conc {f.ConcealedPercent,4:0.0} % rtt {(f.RttMs is { } rtt ? rtt.ToString("0", CultureInfo.InvariantCulture) : "-"),4} ms {f.Resolution,-8}");

    private static string Percent(double a, double b) => b < 1 ? "   - " : string.Create(CultureInfo.InvariantCulture, $"{100 * a / b,4:0} %");

    private static string Seconds(double? s) => s is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:0.0} s") : "never";

    private static void Goal(string figure, string goal, bool met) =>
        Console.WriteLine($"    goal {goal,-20} {(met ? "met    " : "NOT MET")}  {figure}");
}
