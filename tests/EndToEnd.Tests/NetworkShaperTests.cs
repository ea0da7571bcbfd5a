using System.Text.Json;
using Doctolib.Telehealth.EndToEnd.Tests.Support;
using Xunit.Abstractions;

namespace Doctolib.Telehealth.EndToEnd.Tests;

/// <summary>The shaping helper the shaped tests and the shaped benchmark rely on really limits one browser's traffic:
/// what a page receives under a limit never exceeds it (a rate limiter is a hard upper bound, not a timing).</summary>
[Collection(BrowserCollection.Name)]
public sealed class NetworkShaperTests(BrowserWorld world, ITestOutputHelper output) : BrowserTest(world.Contexts)
{
    [Fact]
    public async Task Shaper_LimitsOneBrowsersUplinkOrDownlink_VideoThroughThatPortStaysUnderTheRate()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var cancel = timeout.Token;
        var appointment = await world.CreateAppointmentAsync("pr-shaper", "pa-shaper", "Zoé Fontaine");
        var patient = await world.NewPersonAsync();
        var practitioner = await world.NewPersonAsync();
        await Visit.OpenAsync(patient, $"/visit/{appointment}", await world.TokenAsync("pa-shaper", "patient"));
        await Visit.PassDeviceCheckAsync(patient);
        await Visit.OpenAsync(practitioner, "/practitioner", await world.TokenAsync("pr-shaper", "practitioner"));
        await practitioner.Locator($"[data-appointment='{appointment}']").GetByTestId("admit").ClickAsync();
        await Visit.WaitDecodingAsync(patient);
        await Visit.WaitDecodingAsync(practitioner);
        var practitionerPort = (await Visit.UntilAsync(practitioner, PeerStats.SelectedPair, "", "the practitioner's candidate pair"))
            .GetProperty("localPort").GetInt32();
        var patientPort = (await Visit.UntilAsync(patient, PeerStats.SelectedPair, "", "the patient's candidate pair"))
            .GetProperty("localPort").GetInt32();
        Assert.NotEqual(world.MediaPort, practitionerPort);

        await using var shaper = await NetworkShaper.StartAsync(cancel);
        var uplink = await shaper.LimitAsync(practitionerPort, ShapedDirection.Uplink, 250, cancel);
        var received = await VideoKbpsAfterSettlingAsync(patient, cancel);
        var counters = await NetworkShaper.CountersAsync(uplink, cancel);
        output.WriteLine($"practitioner uplink at 250 kbit: patient receives {received:0} kbps of video; class {counters}");
        Assert.True(counters.SentPackets > 0, "the filter on the practitioner's UDP source port should match its packets");
        Assert.InRange(received, 0, 250);

        await shaper.RemoveAsync(uplink, cancel);
        var downlink = await shaper.LimitAsync(patientPort, ShapedDirection.Downlink, 150, cancel);
        received = await VideoKbpsAfterSettlingAsync(patient, cancel);
        counters = await NetworkShaper.CountersAsync(downlink, cancel);
        output.WriteLine($"patient downlink at 150 kbit: patient receives {received:0} kbps of video; class {counters}");
        Assert.True(counters.SentPackets > 0, "the filter on the patient's UDP destination port should match the server's packets");
        Assert.InRange(received, 0, 150);

        await patient.Context.CloseAsync();
        await practitioner.Context.CloseAsync();
    }

    /// <summary>Lets the queue built before the limit drain (3 s), then measures the page's received video over 4 s.</summary>
    private static async Task<double> VideoKbpsAfterSettlingAsync(Microsoft.Playwright.IPage page, CancellationToken cancellationToken)
    {
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var first = await page.EvaluateAsync<JsonElement>(PeerStats.Inbound, "").WaitAsync(BrowserWorld.Step, cancellationToken);
        await Task.Delay(TimeSpan.FromSeconds(4), cancellationToken);
        var second = await page.EvaluateAsync<JsonElement>(PeerStats.Inbound, "").WaitAsync(BrowserWorld.Step, cancellationToken);
        var bits = (second.GetProperty("videoBytes").GetDouble() - first.GetProperty("videoBytes").GetDouble()) * 8;
        return bits / (second.GetProperty("at").GetDouble() - first.GetProperty("at").GetDouble());
    }
}
