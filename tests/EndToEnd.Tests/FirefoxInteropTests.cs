using System.Text.Json;
using Doctolib.Telehealth.EndToEnd.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Doctolib.Telehealth.EndToEnd.Tests;

/// <summary>Firefox stays supported: a patient in Firefox ESR (WebDriver BiDi) and a practitioner in
/// Chromium (Playwright) hold a call through the server.</summary>
[Collection(BrowserCollection.Name)]
public sealed class FirefoxInteropTests(BrowserWorld world, ITestOutputHelper output) : BrowserTest(world.Contexts)
{
    [Fact]
    public async Task Firefox_PatientInFirefoxPractitionerInChromium_BothDecodeVideoThroughTheServer()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        var cancel = timeout.Token;
        await using var firefox = await FirefoxBrowser.LaunchAsync(cancel);
        output.WriteLine($"Browser: {firefox.Version}");
        var appointment = await world.CreateAppointmentAsync("pr-firefox", "pa-firefox", "Léa Girard");
        var patient = firefox.Page;
        try
        {
            var link = new Uri(world.BaseAddress, $"/visit/{appointment}#token={await world.TokenAsync("pa-firefox", "patient")}");
            await FirefoxVisit.OpenAsync(patient, link, cancel);
            await FirefoxVisit.PassDeviceCheckAsync(patient, cancel);
            await FirefoxVisit.WaitVisibleAsync(patient, "waiting-room", cancel);

            var practitioner = await world.NewPersonAsync();
            await Visit.OpenAsync(practitioner, "/practitioner", await world.TokenAsync("pr-firefox", "practitioner"));
            await practitioner.Locator($"[data-appointment='{appointment}']").GetByTestId("admit").ClickAsync();

            await FirefoxVisit.WaitDecodingAsync(patient, cancel);
            await Visit.WaitDecodingAsync(practitioner);
            await FirefoxVisit.WaitFramesGrowingAsync(patient, cancel);
            await Visit.WaitFramesGrowingAsync(practitioner);
            await Expect(practitioner.GetByTestId("remote-video")).ToHaveCountAsync(1);

            var pair = await FirefoxVisit.SelectedPairAsync(patient, cancel);
            Assert.Equal($"127.0.0.1:{world.MediaPort}/udp", pair.GetProperty("remote").GetString());
            var inbound = await FirefoxVisit.InboundAsync(patient, cancel);
            Assert.True(inbound.GetProperty("audioPackets").GetInt64() > 0, "audio packets should reach Firefox from the practitioner");
            var practitionerInbound = await practitioner.EvaluateAsync<JsonElement>(PeerStats.Inbound, "").WaitAsync(BrowserWorld.Step, cancel);
            Assert.True(practitionerInbound.GetProperty("audioPackets").GetInt64() > 0, "audio packets should reach Chromium from Firefox");
            output.WriteLine($"Chromium's inbound audio from Firefox: {practitionerInbound}");
            Assert.True(practitionerInbound.GetProperty("audioEnergy").GetDouble() > 0, "Firefox's fake microphone tone should play out in Chromium, not silence");
            await BrowserWorld.ScreenshotAsync(practitioner, "firefox-01-practitioner-sees-firefox-patient");
            await patient.ScreenshotAsync(Path.Combine(BrowserWorld.ScreenshotFolder, "firefox-02-patient-in-firefox.png"), cancel).WaitAsync(BrowserWorld.Step, cancel);
            await practitioner.Context.CloseAsync();
        }
        catch
        {
            output.WriteLine("Firefox console:\n  " + string.Join("\n  ", patient.Console));
            output.WriteLine("Firefox output:\n" + firefox.ProcessOutput);
            output.WriteLine("The server's audio-only log:\n" + world.MediaQualityLog());
            throw;
        }
    }

    /// <summary>Issue 12 item 6: the audio-only switch under shaping with the patient in Firefox. With the Firefox
    /// patient's UDP port limited to 100 kbit both ways, the server pauses the video it sends the patient (a weak
    /// connection), both pages say so, and the patient's sound still reaches the practitioner; once the limit is lifted
    /// the video comes back (the server probes the patient's downlink, or the constraint lapses) and Firefox decodes
    /// again. Deadlines are generous bounds, not timings: the figures are the shaped benchmark's.</summary>
    [Fact]
    public async Task Firefox_PatientOn100KbitBothWays_VideoToItPausesForAWeakConnection_SoundGoesOn_AndVideoReturnsOnceLifted()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var cancel = timeout.Token;
        await using var firefox = await FirefoxBrowser.LaunchAsync(cancel);
        var appointment = await world.CreateAppointmentAsync("pr-ff-weak", "pa-ff-weak", "Inès Moreau");
        var patient = firefox.Page;
        try
        {
            var link = new Uri(world.BaseAddress, $"/visit/{appointment}#token={await world.TokenAsync("pa-ff-weak", "patient")}");
            await FirefoxVisit.OpenAsync(patient, link, cancel);
            await FirefoxVisit.PassDeviceCheckAsync(patient, cancel);
            await FirefoxVisit.WaitVisibleAsync(patient, "waiting-room", cancel);
            var practitioner = await world.NewPersonAsync();
            await Visit.OpenAsync(practitioner, "/practitioner", await world.TokenAsync("pr-ff-weak", "practitioner"));
            await practitioner.Locator($"[data-appointment='{appointment}']").GetByTestId("admit").ClickAsync();
            await FirefoxVisit.WaitDecodingAsync(patient, cancel);
            await Visit.WaitDecodingAsync(practitioner);

            var port = (await FirefoxVisit.SelectedPairAsync(patient, cancel)).GetProperty("localPort").GetInt32();
            await using var shaper = await NetworkShaper.StartAsync(cancel);
            await shaper.LimitAsync(port, ShapedDirection.Uplink, 100, cancel);
            await shaper.LimitAsync(port, ShapedDirection.Downlink, 100, cancel);

            var weakNotice = practitioner.Locator("[data-testid=video-paused-notice][data-participant=pa-ff-weak][data-reason=weak_connection]");
            await Expect(weakNotice).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await FirefoxVisit.UntilAsync(patient,
                "() => !!document.querySelector('[data-testid=video-paused-notice][data-participant=me][data-reason=weak_connection]')",
                "the patient's own 'weak connection' notice", cancel);
            var audioBefore = (await practitioner.EvaluateAsync<JsonElement>(PeerStats.Inbound, "").WaitAsync(BrowserWorld.Step, cancel))
                .GetProperty("audioPackets").GetInt64();
            await Task.Delay(TimeSpan.FromSeconds(3), cancel);
            var audioAfter = (await practitioner.EvaluateAsync<JsonElement>(PeerStats.Inbound, "").WaitAsync(BrowserWorld.Step, cancel))
                .GetProperty("audioPackets").GetInt64();
            Assert.True(audioAfter > audioBefore, "the Firefox patient's sound should still reach the practitioner while its video is paused");
            await BrowserWorld.ScreenshotAsync(practitioner, "firefox-03-practitioner-sees-weak-firefox-patient");

            await shaper.RemoveAllAsync(cancel);
            await Expect(weakNotice).ToHaveCountAsync(0, new() { Timeout = 40_000 });
            await FirefoxVisit.WaitFramesGrowingAsync(patient, cancel);
            await practitioner.Context.CloseAsync();
        }
        catch
        {
            output.WriteLine("Firefox console:\n  " + string.Join("\n  ", patient.Console));
            output.WriteLine("Firefox output:\n" + firefox.ProcessOutput);
            output.WriteLine("The server's audio-only log:\n" + world.MediaQualityLog());
            throw;
        }
    }
}
