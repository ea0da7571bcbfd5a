using System.Text.RegularExpressions;
using Doctolib.Telehealth.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Doctolib.Telehealth.EndToEnd.Tests;

/// <summary>What the pages do when the network misbehaves.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ResilienceTests(BrowserWorld world) : BrowserTest(world.Contexts)
{
    [Fact]
    public async Task Signaling_DropsMidCall_PatientPageReconnectsRejoinsAndTheCallCarriesOn()
    {
        var appointment = await world.CreateAppointmentAsync("pr-drop", "pa-drop", "Sacha Dubois");
        var patient = await world.NewPersonAsync();
        var practitioner = await world.NewPersonAsync();
        var hubSockets = new List<(IWebSocketRoute Page, IWebSocketRoute Server)>();
        // Every hub WebSocket of the patient's page goes through this route, so the test can cut it like a network would.
        await patient.RouteWebSocketAsync(new Regex("/hubs/consultation"), ws =>
        {
            var server = ws.ConnectToServer();
            lock (hubSockets)
            {
                hubSockets.Add((ws, server));
            }
        });
        await Visit.OpenAsync(patient, $"/visit/{appointment}", await world.TokenAsync("pa-drop", "patient"));
        await Visit.PassDeviceCheckAsync(patient);
        await Expect(patient.GetByTestId("waiting-room")).ToBeVisibleAsync();
        await Visit.OpenAsync(practitioner, "/practitioner", await world.TokenAsync("pr-drop", "practitioner"));
        await practitioner.Locator($"[data-appointment='{appointment}']").GetByTestId("admit").ClickAsync();
        await Visit.WaitDecodingAsync(patient);
        await Visit.WaitDecodingAsync(practitioner);
        Assert.Single(hubSockets);

        var (pageSide, serverSide) = hubSockets[0];
        await serverSide.CloseAsync(new() { Code = 1001, Reason = "network change" });
        await pageSide.CloseAsync(new() { Code = 1006, Reason = "network change" });

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (hubSockets.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        Assert.Equal(2, hubSockets.Count);
        await Expect(patient.GetByTestId("banners")).Not.ToContainTextAsync("Reconnecting", new() { Timeout = 20_000 });
        await Expect(patient.GetByTestId("remote-video")).ToHaveCountAsync(1);
        await Visit.WaitFramesGrowingAsync(patient);
        await Visit.WaitFramesGrowingAsync(practitioner);
        await Visit.SendChatAsync(practitioner, "Vous m'entendez toujours ?");
        await Expect(patient.GetByTestId("chat-log")).ToContainTextAsync("Vous m'entendez toujours ?");
        await BrowserWorld.ScreenshotAsync(patient, "drop-01-patient-back-after-reconnect");
        await patient.Context.CloseAsync();
        await practitioner.Context.CloseAsync();
    }
}
