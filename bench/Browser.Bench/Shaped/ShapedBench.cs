using Doctolib.Telehealth.EndToEnd.Tests.Support;
using Microsoft.Playwright;

namespace Doctolib.Telehealth.Browser.Bench.Shaped;

/// <summary>One shaping of the shaped benchmark and how it is compared.</summary>
internal sealed record Shaping(string Name, PartyLimit[] Limits, double? LiftAt = null, bool ThreeParty = false, bool AudioOnlyExpected = false, bool OneLayer = false);

/// <summary><c>--shaped</c>: relayed vs direct Chromium calls with one participant's link limited by tc (HTB + u32 on lo,
/// see <see cref="NetworkShaper"/>), sampled at 10, 20 and 40 s, with the issue's goals printed beside the figures.
/// The direct call is two pages with one RTCPeerConnection each, signalled by the bench (no server media).</summary>
internal static class ShapedBench
{
    private static readonly double[] Times = [10, 20, 40];

    public static IReadOnlyList<Shaping> Shapings { get; } =
    [
        new("patient uplink 500 kbit", [new(Party.Patient, ShapedDirection.Uplink, 500)]),
        new("patient downlink 300 kbit", [new(Party.Patient, ShapedDirection.Downlink, 300)]),
        new("patient up+down 100 kbit", [new(Party.Patient, ShapedDirection.Uplink, 100), new(Party.Patient, ShapedDirection.Downlink, 100)],
            AudioOnlyExpected: true),
        new("patient up+down 100 kbit for 20 s, then unshaped",
            [new(Party.Patient, ShapedDirection.Uplink, 100), new(Party.Patient, ShapedDirection.Downlink, 100)], LiftAt: 20, AudioOnlyExpected: true),
        new("three-party, guest up+down 300 kbit", [new(Party.Guest, ShapedDirection.Uplink, 300), new(Party.Guest, ShapedDirection.Downlink, 300)],
            ThreeParty: true),
        // The same room with one video layer per page, as the project's pages send: no layer for the guest to fall back
        // to, so this shows what a sender without simulcast gives the other two.
        new("three-party one layer, guest up+down 300 kbit", [new(Party.Guest, ShapedDirection.Uplink, 300), new(Party.Guest, ShapedDirection.Downlink, 300)],
            ThreeParty: true, OneLayer: true),
    ];

    public static async Task<int> RunAsync(string root, string serverDll, string? only)
    {
        await using var server = await BenchServer.StartAsync(serverDll, root);
        var (baseUrl, http) = (server.BaseUrl, server.Http);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await BenchServer.LaunchChromiumAsync(playwright, "--autoplay-policy=no-user-gesture-required");
        var script = await new StreamReader(typeof(ShapedBench).Assembly.GetManifestResourceStream("Doctolib.Telehealth.Browser.Bench.shaped.js")!).ReadToEndAsync();
        var signalr = Path.Combine(root, "src/Signaling/ClientApp/node_modules/@microsoft/signalr/dist/browser/signalr.min.js");
        Console.WriteLine("Shaped calls (tc HTB class + pfifo limit 30 on lo, matched on the browser's UDP port), Chromium fake camera 30 fps, 1280x720 asked.");
        Console.WriteLine("kbps and fps over the 2 s before each time; freezes (freezeCount) and audio concealed/total samples since the shaping began;");
        Console.WriteLine("rtt: the receiver's selected candidate pair. 'A<-B' is what A receives from B. Direct = page-to-page RTCPeerConnection, no server media.");
        // NAME picks the shapings whose name contains it; "=NAME", the one shaping of that exact name.
        foreach (var shaping in Shapings.Where(s => only is null
            || (only.StartsWith('=') ? s.Name.Equals(only[1..], StringComparison.OrdinalIgnoreCase) : s.Name.Contains(only, StringComparison.OrdinalIgnoreCase))))
        {
            Console.WriteLine();
            Console.WriteLine($"== {shaping.Name}   (load average {File.ReadAllText("/proc/loadavg").Trim()}, {Environment.ProcessorCount} cores)");
            var call = new ShapedCall(browser, baseUrl, http, script, signalr) { LiftAt = shaping.LiftAt, OneLayer = shaping.OneLayer };
            if (shaping.ThreeParty)
            {
                var unshaped = await call.RunAsync(relayed: true, threeParty: true, []);
                var shaped = await call.RunAsync(relayed: true, threeParty: true, shaping.Limits);
                ShapedReport.PrintThreeParty(shaping, unshaped, shaped, Times);
            }
            else
            {
                var relayed = await call.RunAsync(relayed: true, threeParty: false, shaping.Limits);
                var direct = await call.RunAsync(relayed: false, threeParty: false, shaping.Limits);
                ShapedReport.PrintPair(shaping, relayed, direct, Times);
            }
        }
        return 0;
    }
}
