using System.Text.Json;
using Doctolib.Telehealth.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Doctolib.Telehealth.EndToEnd.Tests;

/// <summary>Audio only, by hand (issue 12): the patient's page stops receiving video while its sound goes on, the
/// practitioner's page says so in words, and clicking again brings the picture back. Both pages show the other's
/// connection quality in words.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AudioOnlyInBrowserTests(BrowserWorld world) : BrowserTest(world.Contexts)
{
    private const string Inbound = """
        async () => {
          const stats = await window.__telehealth.pc.getStats();
          const out = { audioPackets: 0, videoFrames: 0 };
          stats.forEach(r => {
            if (r.type !== 'inbound-rtp') return;
            if (r.kind === 'audio') out.audioPackets += r.packetsReceived ?? 0;
            if (r.kind === 'video') out.videoFrames += r.framesDecoded ?? 0;
          });
          return out;
        }
        """;

    [Fact]
    public async Task AudioOnly_ChosenByThePatient_StopsItsVideoKeepsItsSound_TellsThePractitioner_AndClickingAgainResumes()
    {
        var appointment = await world.CreateAppointmentAsync("pr-audio", "pa-audio", "Inès Moreau");
        var patient = await world.NewPersonAsync();
        var practitioner = await world.NewPersonAsync();
        await Visit.OpenAsync(patient, $"/visit/{appointment}", await world.TokenAsync("pa-audio", "patient"));
        await Visit.PassDeviceCheckAsync(patient);
        await Expect(patient.GetByTestId("waiting-room")).ToBeVisibleAsync();
        await Visit.OpenAsync(practitioner, "/practitioner", await world.TokenAsync("pr-audio", "practitioner"));
        await practitioner.Locator($"[data-appointment='{appointment}']").GetByTestId("admit").ClickAsync();
        await Visit.WaitDecodingAsync(patient);
        await Visit.WaitDecodingAsync(practitioner);
        // The reading itself is the network's (and this machine's load): the pages must show one, in words.
        await Expect(practitioner.GetByTestId("remote-quality")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Connection: (good|fair|poor)$"));
        await Expect(practitioner.Locator($"[data-appointment='{appointment}']").GetByTestId("quality-badge"))
            .ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Inès Moreau’s connection: (good|fair|poor)$"));
        await Expect(patient.GetByTestId("remote-quality")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Connection: (good|fair|poor)$"));

        await patient.GetByTestId("audio-only").ClickAsync();

        await Expect(patient.Locator("[data-testid=video-paused-notice][data-participant=me][data-reason=audio_only_chosen]")).ToBeVisibleAsync();
        await Expect(practitioner.Locator("[data-testid=video-paused-notice][data-participant=pa-audio][data-reason=audio_only_chosen]")).ToBeVisibleAsync();
        await Expect(patient.GetByTestId("audio-only")).ToHaveAttributeAsync("aria-pressed", "true");
        await BrowserWorld.ScreenshotAsync(patient, "audio-only-patient");
        await BrowserWorld.ScreenshotAsync(practitioner, "audio-only-practitioner");
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // frames already on their way are decoded
        var paused = await patient.EvaluateAsync<JsonElement>(Inbound).WaitAsync(BrowserWorld.Step);
        await Task.Delay(TimeSpan.FromSeconds(3));
        var stillPaused = await patient.EvaluateAsync<JsonElement>(Inbound).WaitAsync(BrowserWorld.Step);
        Assert.Equal(paused.GetProperty("videoFrames").GetInt64(), stillPaused.GetProperty("videoFrames").GetInt64());
        Assert.True(stillPaused.GetProperty("audioPackets").GetInt64() > paused.GetProperty("audioPackets").GetInt64() + 50,
            "the patient's sound should go on while its video is paused");
        await Visit.WaitFramesGrowingAsync(practitioner);

        await patient.GetByTestId("audio-only").ClickAsync();

        await Expect(practitioner.GetByTestId("video-paused-notice")).ToHaveCountAsync(0);
        await Expect(patient.GetByTestId("video-paused-notice")).ToHaveCountAsync(0);
        await Visit.WaitFramesGrowingAsync(patient);
        await patient.Context.CloseAsync();
        await practitioner.Context.CloseAsync();
    }
}
