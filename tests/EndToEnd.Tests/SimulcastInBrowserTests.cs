using Doctolib.Telehealth.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Doctolib.Telehealth.EndToEnd.Tests;

/// <summary>Simulcast in real Chromium pages: with one other participant a page sends its full-size layer alone; once
/// two others are in the room it sends all three rid layers, and every page still receives the others at full size
/// (no one is limited here) on one track each.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SimulcastInBrowserTests(BrowserWorld world)
{
    /// <summary>The rids whose bytesSent grows over one second, sorted ("f" alone, or "f,h,q"); null when none does.</summary>
    private const string SendingLayers = """
        async () => {
          const hook = window.__telehealth;
          if (!hook || !hook.pc) return null;
          const read = async () => Object.fromEntries((await hook.stats())
            .filter(s => s.type === 'outbound-rtp' && s.kind === 'video' && s.rid).map(s => [s.rid, s.bytesSent ?? 0]));
          const before = await read();
          await new Promise(r => setTimeout(r, 1000));
          const after = await read();
          return Object.keys(after).filter(rid => after[rid] > (before[rid] ?? 0)).sort().join(',') || null;
        }
        """;

    /// <summary>True once the page decodes <c>count</c> remote videos, each at least <c>width</c> pixels wide.</summary>
    private const string DecodesAtWidth = """
        async ([count, width]) => {
          const hook = window.__telehealth;
          if (!hook || !hook.pc) return false;
          const videos = (await hook.stats()).filter(s => s.type === 'inbound-rtp' && s.kind === 'video' && s.framesDecoded > 0);
          return videos.length >= count && videos.every(v => (v.frameWidth ?? 0) >= width);
        }
        """;

    [Fact]
    public async Task Simulcast_OneToOneSendsTheFullLayerAlone_ThreePartySendsEveryLayerAndEveryoneReceivesFullSize()
    {
        var appointment = await world.CreateAppointmentAsync("pr-simulcast", "pa-simulcast", "Inès Moreau");
        var patient = await world.NewPersonAsync();
        var practitioner = await world.NewPersonAsync();
        var guest = await world.NewPersonAsync();
        await Visit.OpenAsync(patient, $"/visit/{appointment}", await world.TokenAsync("pa-simulcast", "patient"));
        await Visit.PassDeviceCheckAsync(patient);
        await Expect(patient.GetByTestId("waiting-room")).ToBeVisibleAsync();
        await Visit.OpenAsync(practitioner, "/practitioner", await world.TokenAsync("pr-simulcast", "practitioner"));
        await practitioner.Locator($"[data-appointment='{appointment}']").GetByTestId("admit").ClickAsync();
        await Visit.WaitDecodingAsync(practitioner);
        await Visit.WaitDecodingAsync(patient);

        Assert.Equal("f", (await Visit.UntilAsync(patient, SendingLayers, null, "the patient's video layers")).GetString());
        Assert.Equal("f", (await Visit.UntilAsync(practitioner, SendingLayers, null, "the practitioner's video layers")).GetString());

        await practitioner.GetByTestId("invite").ClickAsync();
        var link = await practitioner.GetByTestId("invite-link").InputValueAsync().WaitAsync(BrowserWorld.Step);
        await practitioner.Keyboard.PressAsync("Escape");
        await guest.GotoAsync(link).WaitAsync(BrowserWorld.Step);
        await Visit.PassDeviceCheckAsync(guest);
        await Expect(practitioner.GetByTestId("admit-in-call")).ToBeVisibleAsync();
        await practitioner.GetByTestId("admit-in-call").ClickAsync();

        foreach (var page in new[] { patient, practitioner, guest })
        {
            await Visit.UntilAsync(page, DecodesAtWidth, new object[] { 2, 640 }, "full-size video from both others");
            await Visit.UntilAsync(page, $"async () => ({SendingLayers})().then(l => l === 'f,h,q')", null, "all three layers sent");
        }

        await guest.Context.CloseAsync();
        await patient.Context.CloseAsync();
        await practitioner.Context.CloseAsync();
    }
}
