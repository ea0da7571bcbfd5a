using System.Text.Json;
using Doctolib.Telehealth.EndToEnd.Tests.Support;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Doctolib.Telehealth.EndToEnd.Tests;

/// <summary>The media plane as browsers see it: what getStats says about the path and the media the server relays.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MediaInBrowserTests(BrowserWorld world, ITestOutputHelper output) : BrowserTest(world.Contexts)
{
    private const string SelectedRemoteCandidate = """
        async () => {
          const hook = window.__telehealth;
          if (!hook || !hook.pc) return null;
          const stats = await hook.pc.getStats();
          let pair = null;
          stats.forEach(r => { if (r.type === 'transport' && r.selectedCandidatePairId) pair = stats.get(r.selectedCandidatePairId); });
          if (!pair) stats.forEach(r => { if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded') pair = r; });
          if (!pair || pair.state !== 'succeeded') return null;
          const remote = stats.get(pair.remoteCandidateId);
          return `${remote.address}:${remote.port}/${remote.protocol}`;
        }
        """;

    private const string Inbound = """
        async (pc) => {
          const target = pc === 'kept' ? window.__kept : window.__telehealth.pc;
          const stats = await target.getStats();
          const out = { audioPackets: 0, videoBytes: 0, videoFrames: 0, at: 0 };
          stats.forEach(r => {
            if (r.type !== 'inbound-rtp') return;
            out.at = r.timestamp;
            if (r.kind === 'audio') out.audioPackets += r.packetsReceived ?? 0;
            if (r.kind === 'video') { out.videoBytes += r.bytesReceived ?? 0; out.videoFrames += r.framesDecoded ?? 0; }
          });
          return out;
        }
        """;

    [Fact]
    public async Task Media_ThroughTheServer_FlowsFromItsAddressClimbsAndStopsWhenTheConsultationEnds()
    {
        var appointment = await world.CreateAppointmentAsync("pr-media", "pa-media", "Inès Moreau");
        var patient = await world.NewPersonAsync();
        var practitioner = await world.NewPersonAsync();
        await Visit.OpenAsync(patient, $"/visit/{appointment}", await world.TokenAsync("pa-media", "patient"));
        await Visit.PassDeviceCheckAsync(patient);
        await Expect(patient.GetByTestId("waiting-room")).ToBeVisibleAsync();
        await Visit.OpenAsync(practitioner, "/practitioner", await world.TokenAsync("pr-media", "practitioner"));
        await practitioner.Locator($"[data-appointment='{appointment}']").GetByTestId("admit").ClickAsync();
        await Visit.WaitDecodingAsync(patient);
        await Visit.WaitDecodingAsync(practitioner);
        var admittedAt = DateTime.UtcNow;

        foreach (var page in new[] { patient, practitioner })
        {
            var selected = await Visit.UntilAsync(page, SelectedRemoteCandidate, null, "a selected candidate pair");
            Assert.Equal($"127.0.0.1:{world.MediaPort}/udp", selected.GetString());
            var audio = await page.EvaluateAsync<JsonElement>(Inbound, "live").WaitAsync(BrowserWorld.Step);
            Assert.True(audio.GetProperty("audioPackets").GetInt64() > 0, "audio packets should arrive from the other side");
        }

        var untilTen = admittedAt + TimeSpan.FromSeconds(8) - DateTime.UtcNow;
        if (untilTen > TimeSpan.Zero)
        {
            await Task.Delay(untilTen);
        }
        var first = await patient.EvaluateAsync<JsonElement>(Inbound, "live").WaitAsync(BrowserWorld.Step);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var second = await patient.EvaluateAsync<JsonElement>(Inbound, "live").WaitAsync(BrowserWorld.Step);
        var kbps = (second.GetProperty("videoBytes").GetDouble() - first.GetProperty("videoBytes").GetDouble()) * 8
                   / (second.GetProperty("at").GetDouble() - first.GetProperty("at").GetDouble());
        output.WriteLine($"Relayed video bitrate at the patient 10 s after admission: {kbps:0} kbps");
        output.WriteLine($"The server's audio-only log: {world.MediaQualityLog()}");
        Assert.True(kbps > 100, $"relayed video should flow at a real bitrate after 10 s, got {kbps:0} kbps; the server's audio-only log:\n{world.MediaQualityLog()}");

        // Keep the patient's peer connection open whatever the page does, so that what stops is the server's relay.
        await patient.EvaluateAsync("() => { window.__kept = window.__telehealth.pc; window.__kept.close = () => {}; }").WaitAsync(BrowserWorld.Step);
        await practitioner.GetByTestId("end").ClickAsync();
        await practitioner.GetByTestId("end-confirm").ClickAsync();
        await Expect(patient.GetByTestId("end-screen")).ToBeVisibleAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        var afterEnd = await patient.EvaluateAsync<JsonElement>(Inbound, "kept").WaitAsync(BrowserWorld.Step);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var later = await patient.EvaluateAsync<JsonElement>(Inbound, "kept").WaitAsync(BrowserWorld.Step);
        Assert.Equal(afterEnd.GetProperty("videoBytes").GetDouble(), later.GetProperty("videoBytes").GetDouble());
        Assert.Equal(afterEnd.GetProperty("audioPackets").GetInt64(), later.GetProperty("audioPackets").GetInt64());
        await patient.Context.CloseAsync();
        await practitioner.Context.CloseAsync();
    }
}
