using System.Collections.Concurrent;
using System.Net.Http.Json;
using Doctolib.Telehealth.Rooms;
using Doctolib.Telehealth.Signaling.Tests.Support;
using Microsoft.AspNetCore.SignalR.Client;
using Serilog.Core;
using Serilog.Events;

namespace Doctolib.Telehealth.Signaling.Tests;

public sealed class PrivacyLogTests
{
    private const string Name = "Apolline Testpatient-Durand";
    private const string Email = "apolline.durand@example.org";

    [Fact]
    public async Task Log_OfAWholeConsultation_NeverHoldsThePatientsNameEmailOrToken()
    {
        var sink = new CapturingSink();
        await using var app = await TelehealthApp.StartAsync(sink);
        var id = Guid.NewGuid();
        using (var scheduler = app.Http(app.Tokens.Issue("s-1", "scheduler")))
        {
            var put = await scheduler.PutAsJsonAsync($"/api/appointments/{id}", new
            {
                practitionerId = "pr-1", patientId = "pa-1", startsAt = app.Time.GetUtcNow(), durationMinutes = 20,
                price = new { amount = 2500, currency = "EUR" },
                payer = new { type = "card", stripeCustomerId = "cus_1", paymentMethodId = "pm_1" },
                patientName = Name, patientEmail = Email,
            });
            put.EnsureSuccessStatusCode();
            var bad = await scheduler.PutAsJsonAsync($"/api/appointments/{Guid.NewGuid()}", new { patientName = Name, patientEmail = Email });
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, bad.StatusCode);
        }
        var patientToken = app.Tokens.Issue("pa-1", "patient", claims: new Dictionary<string, object> { ["name"] = Name, ["email"] = Email });
        var practitionerToken = app.Tokens.Issue("pr-1", "practitioner");
        var patient = await app.ConnectAsync(patientToken);
        var practitioner = await app.ConnectAsync(practitionerToken);
        await practitioner.InvokeAsync<RoomView>("Join", id);
        await patient.InvokeAsync<RoomView>("Join", id);
        await practitioner.InvokeAsync<RoomView>("Admit", id, "pa-1");
        await Assert.ThrowsAsync<HubException>(() => patient.InvokeAsync("End", id, true, (string?)null));
        await practitioner.InvokeAsync("End", id, true, (string?)null);
        using (var negotiate = app.Http())
        {
            await negotiate.PostAsync($"/hubs/consultation/negotiate?negotiateVersion=1&access_token={patientToken}", null);
        }

        var lines = sink.Lines();
        Assert.Contains(lines, l => l.Contains(id.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("Apolline", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, l => l.Contains("Durand", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, l => l.Contains(Email, StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(lines, l => l.Contains(patientToken[..40], StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("access_token", StringComparison.Ordinal));
    }

    private sealed class CapturingSink : ILogEventSink
    {
        private readonly ConcurrentQueue<string> lines = new();

        public void Emit(LogEvent logEvent)
        {
            using var writer = new StringWriter();
            logEvent.RenderMessage(writer);
            foreach (var (name, value) in logEvent.Properties)
            {
                writer.Write($" {name}={value}");
            }
            writer.Write(logEvent.Exception?.ToString());
            lines.Enqueue(writer.ToString());
        }

        public List<string> Lines() => [.. lines];
    }
}
