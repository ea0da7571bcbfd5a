using System.Net.Http.Json;
using System.Text.Json;
using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Doctolib.Telehealth.Signaling.Tests;

/// <summary><c>Describe</c> tells the visit page, before it asks for the camera, when the appointment is, with whom,
/// and whether it has ended; only to the appointment's own people. <c>SetMediaState</c> reaches the others.</summary>
public sealed class DescribeTests : IAsyncLifetime
{
    private TelehealthApp app = null!;

    public async Task InitializeAsync() => app = await TelehealthApp.StartAsync();

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Fact]
    public async Task Describe_ByThePatient_GivesTimeAndPractitionerName()
    {
        var id = Guid.NewGuid();
        var startsAt = app.Time.GetUtcNow().AddHours(3);
        using (var scheduler = app.Http(app.Tokens.Issue("s-1", "scheduler")))
        {
            var put = await scheduler.PutAsJsonAsync($"/api/appointments/{id}", new
            {
                practitionerId = "pr-1", patientId = "pa-1", practitionerName = "Dr Alex Bernard", startsAt, durationMinutes = 20,
                price = new { amount = 2500, currency = "EUR" },
                payer = new { type = "card", stripeCustomerId = "cus_1", paymentMethodId = "pm_1" },
            });
            put.EnsureSuccessStatusCode();
        }
        var patient = await app.ConnectAsync(app.Tokens.Issue("pa-1", "patient"));
        var summary = await patient.InvokeAsync<JsonElement>("Describe", id).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("Dr Alex Bernard", summary.GetProperty("practitionerName").GetString());
        Assert.Equal(startsAt.ToUnixTimeSeconds(), summary.GetProperty("startsAt").GetDateTimeOffset().ToUnixTimeSeconds());
        Assert.Equal("scheduled", summary.GetProperty("consultationState").GetString());
    }

    [Fact]
    public async Task Describe_AfterTheEnd_SaysEnded()
    {
        var id = await app.CreateAppointmentAsync("pr-1", "pa-1");
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-1", "practitioner"));
        await practitioner.InvokeAsync<RoomView>("Join", id.Value);
        await practitioner.InvokeAsync("End", id.Value, false, "patient did not come");
        var patient = await app.ConnectAsync(app.Tokens.Issue("pa-1", "patient"));
        var summary = await patient.InvokeAsync<JsonElement>("Describe", id.Value).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("ended", summary.GetProperty("consultationState").GetString());
    }

    [Fact]
    public async Task Describe_ByAnotherPatient_IsRefusedAsNotThePatient()
    {
        var id = await app.CreateAppointmentAsync("pr-1", "pa-1");
        var stranger = await app.ConnectAsync(app.Tokens.Issue("pa-2", "patient"));
        var error = await Assert.ThrowsAsync<HubException>(() => stranger.InvokeAsync<JsonElement>("Describe", id.Value).WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("urn:telehealth:problem:not-the-patient:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetMediaState_ReachesTheOtherAdmittedParticipant()
    {
        var id = await app.CreateAppointmentAsync("pr-1", "pa-1");
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-1", "practitioner"));
        var patient = await app.ConnectAsync(app.Tokens.Issue("pa-1", "patient"));
        await practitioner.InvokeAsync<RoomView>("Join", id.Value);
        await patient.InvokeAsync<RoomView>("Join", id.Value);
        await practitioner.InvokeAsync<RoomView>("Admit", id.Value, "pa-1");
        var seen = new TaskCompletionSource<(string Who, bool Microphone, bool Camera)>(TaskCreationOptions.RunContinuationsAsynchronously);
        practitioner.On<Guid, string, bool, bool>("MediaStateChanged", (_, who, microphone, camera) => seen.TrySetResult((who, microphone, camera)));
        await patient.InvokeAsync("SetMediaState", id.Value, true, false);
        var state = await seen.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(("pa-1", true, false), state);
    }
}
