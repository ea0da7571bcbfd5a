using System.Text.Json;
using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;

namespace Doctolib.Telehealth.Signaling.Tests;

/// <summary>Bad arguments to hub methods are typed refusals (<c>urn:telehealth:problem:…</c>), never SignalR's opaque
/// "error on the server"; a message over the hub's size limit closes that connection only. In Development and Production.</summary>
public abstract class HubBadInputTests(string environment) : IAsyncLifetime
{
    private TelehealthApp app = null!;

    public async Task InitializeAsync() => app = await TelehealthApp.StartAsync(environment: environment);

    public async Task DisposeAsync() => await app.DisposeAsync();

    [Theory]
    [InlineData("Join")]
    [InlineData("Watch")]
    [InlineData("Leave")]
    [InlineData("Invite")]
    public async Task AppointmentId_ThatIsNotAGuid_IsRefusedAsInvalidAppointmentId(string method)
    {
        var connection = await app.ConnectAsync(app.Tokens.Issue("pr-1", "practitioner"));
        await AssertRefusedAsync(() => connection.InvokeAsync(method, "not-a-guid"), "invalid-appointment-id");
        await AssertRefusedAsync(() => connection.InvokeAsync(method, (string?)null), "invalid-appointment-id");
    }

    [Fact]
    public async Task MediaCalls_WithABadAppointmentId_AreRefusedAsInvalidAppointmentId()
    {
        var connection = await app.ConnectAsync(app.Tokens.Issue("pa-1", "patient"));
        await AssertRefusedAsync(() => connection.InvokeAsync("SendOffer", "12345", "v=0"), "invalid-appointment-id");
        await AssertRefusedAsync(() => connection.InvokeAsync("SendCandidate", "x", "candidate:1"), "invalid-appointment-id");
        await AssertRefusedAsync(() => connection.InvokeAsync("SendChat", "", "hello"), "invalid-appointment-id");
        await AssertRefusedAsync(() => connection.InvokeAsync("End", "zz", true, null), "invalid-appointment-id");
    }

    [Fact]
    public async Task NullArguments_InTheRoom_AreTypedRefusals()
    {
        var id = await app.CreateAppointmentAsync("pr-1", "pa-1");
        var practitioner = await app.ConnectAsync(app.Tokens.Issue("pr-1", "practitioner"));
        await practitioner.InvokeAsync<RoomView>("Join", id.Value);
        await AssertRefusedAsync(() => practitioner.InvokeAsync("SendCandidate", id.Value, (string?)null), "invalid-candidate");
        await AssertRefusedAsync(() => practitioner.InvokeAsync("SendOffer", id.Value, (string?)null), "invalid-sdp");
        await AssertRefusedAsync(() => practitioner.InvokeAsync("SendAnswer", id.Value, (string?)null), "invalid-sdp");
        await AssertRefusedAsync(() => practitioner.InvokeAsync("SendChat", id.Value, (string?)null), "invalid-chat");
        await AssertRefusedAsync(() => practitioner.InvokeAsync("SendChat", id.Value, "a\u0000b"), "invalid-chat");
        await AssertRefusedAsync(() => practitioner.InvokeAsync<RoomView>("Admit", id.Value, (string?)null), "invalid-argument");
        await AssertRefusedAsync(() => practitioner.InvokeAsync<RoomView>("Admit", id.Value, new string('p', 10_000)), "invalid-argument");
        await AssertRefusedAsync(() => practitioner.InvokeAsync("End", id.Value, false, new string('r', 501)), "invalid-argument");
        await AssertRefusedAsync(() => practitioner.InvokeAsync("End", id.Value, false, "line\nforged"), "invalid-argument");
    }

    [Fact]
    public async Task TooEarly_CarriesOpensAtAsData()
    {
        var startsAt = app.Time.GetUtcNow().AddHours(2);
        var id = await app.CreateAppointmentAsync("pr-1", "pa-1", startsAt: startsAt);
        var patient = await app.ConnectAsync(app.Tokens.Issue("pa-1", "patient"));
        var error = await AssertRefusedAsync(() => patient.InvokeAsync<RoomView>("Join", id.Value), "too-early");
        var data = JsonDocument.Parse(error.Message[(error.Message.IndexOf('\n', StringComparison.Ordinal) + 1)..]).RootElement;
        var opensAt = DateTimeOffset.Parse(data.GetProperty("opensAt").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(startsAt.AddMinutes(-15).ToUnixTimeSeconds(), opensAt.ToUnixTimeSeconds());
    }

    [Fact]
    public async Task Message_OverTheHubLimit_ClosesThatConnectionOnly()
    {
        var id = await app.CreateAppointmentAsync("pr-1", "pa-1");
        var big = await app.ConnectAsync(app.Tokens.Issue("pr-1", "practitioner"));
        var other = await app.ConnectAsync(app.Tokens.Issue("pa-1", "patient"));
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        big.Closed += error =>
        {
            closed.TrySetResult(error);
            return Task.CompletedTask;
        };
        _ = big.InvokeAsync("SendChat", id.Value, new string('c', 200 * 1024)).ContinueWith(_ => { }, TaskScheduler.Default);
        var error = await closed.Task.WaitAsync(TimeSpan.FromSeconds(15));
        Assert.NotNull(error);
        Assert.Equal(HubConnectionState.Connected, other.State);
        var view = await other.InvokeAsync<RoomView>("Join", id.Value).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(id, view.AppointmentId);
    }

    private static async Task<HubException> AssertRefusedAsync(Func<Task> call, string code)
    {
        var error = await Assert.ThrowsAsync<HubException>(() => call().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains($"urn:telehealth:problem:{code}:", error.Message, StringComparison.Ordinal);
        return error;
    }
}

public sealed class HubBadInputInDevelopmentTests() : HubBadInputTests("Development");

public sealed class HubBadInputInProductionTests() : HubBadInputTests("Production");
