using System.Net.Http.Json;
using Doctolib.Telehealth.Media;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Doctolib.Telehealth.Billing.Tests;

/// <summary>The real server with billing's hosted worker on: an appointment from the scheduling API, join, admit and
/// end over the SignalR hub, the Rooms outbox consumed by billing, Stripe (the emulator) authorised and captured.
/// The media plane's "media up" reports are made through its public <see cref="IMediaObserver"/> contract, as the
/// media plane would after ICE and DTLS (browsers are not part of these tests).</summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private BillingApp app = null!;
    private readonly List<HubConnection> hubs = [];

    public async Task InitializeAsync() => app = await BillingApp.StartAsync(worker: true);

    public async Task DisposeAsync()
    {
        foreach (var hub in hubs)
        {
            await hub.DisposeAsync();
        }
        await app.DisposeAsync();
    }

    private async Task<Guid> ConsultAsync(TimeSpan liveMedia, string paymentMethod = "pm_card_visa")
    {
        var id = Guid.NewGuid();
        var (practitioner, patient) = ($"pr-{id:N}", $"pa-{id:N}");
        using (var scheduler = await app.ClientAsync("scheduler-1", "scheduler"))
        {
            var put = await scheduler.PutAsJsonAsync($"/api/appointments/{id}", new
            {
                practitionerId = practitioner,
                patientId = patient,
                startsAt = app.Time.GetUtcNow(),
                durationMinutes = 20,
                price = new { amount = 3500, currency = "EUR" },
                payer = new { type = "card", stripeCustomerId = "cus_e2e", paymentMethodId = paymentMethod },
            });
            put.EnsureSuccessStatusCode();
        }
        var doctor = await app.ConnectAsync(practitioner, "practitioner");
        var person = await app.ConnectAsync(patient, "patient");
        hubs.Add(doctor);
        hubs.Add(person);
        await doctor.InvokeAsync<object>("Join", id).WaitAsync(BillingHarness.Timeout);
        await person.InvokeAsync<object>("Join", id).WaitAsync(BillingHarness.Timeout);
        await doctor.InvokeAsync<object>("Admit", id, patient).WaitAsync(BillingHarness.Timeout);
        await WaitForStatusAsync(id, ChargeStatus.Authorized);

        var media = app.Services.GetRequiredService<IMediaObserver>();
        await media.MediaUpAsync(new MediaParticipant(id.ToString("D"), practitioner), app.Time.GetUtcNow(), CancellationToken.None);
        await media.MediaUpAsync(new MediaParticipant(id.ToString("D"), patient), app.Time.GetUtcNow(), CancellationToken.None);
        app.Time.Advance(liveMedia);
        await doctor.InvokeAsync("End", id, true, (string?)null).WaitAsync(BillingHarness.Timeout);
        return id;
    }

    private async Task WaitForStatusAsync(Guid appointmentId, string status)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var count = await app.DataSource.CountAsync(
                "SELECT count(*) FROM billing.charges WHERE appointment_id = @appointmentId AND status = @status", new { appointmentId, status });
            if (count == 1)
            {
                return;
            }
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(15), $"charge did not reach {status}");
            await Task.Delay(25);
        }
    }

    [Fact]
    public async Task Consultation_TwoMinutesOfMedia_CapturedOnceThroughTheOutbox()
    {
        // Token first: the dev token issuer uses the test's clock, which the consultation moves forward.
        using var billing = await app.ClientAsync("billing-1", "billing");
        var id = await ConsultAsync(TimeSpan.FromMinutes(2));
        await WaitForStatusAsync(id, ChargeStatus.Captured);

        var pi = Assert.Single(app.Stripe.IntentsFor(id));
        Assert.Equal(3500, pi.AmountReceived);
        Assert.Equal(1, pi.CaptureCount);
        var charge = await app.DataSource.ChargeAsync(id);
        Assert.Equal(120, charge.LiveMediaSeconds);

        var detail = await billing.GetFromJsonAsync<System.Text.Json.JsonElement>($"/api/billing/charges/{charge.Id}");
        var kinds = detail.GetProperty("timeline").EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains("ended", kinds);
        Assert.Equal(["consultation/" + id.ToString("D") + "/authorize", "consultation/" + id.ToString("D") + "/capture"],
            detail.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("idempotencyKey").GetString()));
    }

    [Fact]
    public async Task Consultation_TwentySecondsOfMedia_HoldReleasedThroughTheOutbox()
    {
        var id = await ConsultAsync(TimeSpan.FromSeconds(20));
        await WaitForStatusAsync(id, ChargeStatus.Released);
        Assert.Equal("canceled", Assert.Single(app.Stripe.IntentsFor(id)).Status);
        Assert.Equal(0, app.Stripe.TotalCaptures);
    }

    [Fact]
    public async Task Consultation_CrashesInsideOutboxThenAfterCapture_StillCapturedExactlyOnce()
    {
        var crashes = 0;
        app.Services.GetRequiredService<Processing.FaultInjector>().Hook = (point, key) =>
            (point == Processing.FaultPoint.OutboxHandled && crashes == 0) || (point == Processing.FaultPoint.AfterProviderCall && key.EndsWith("/capture", StringComparison.Ordinal) && crashes == 1)
                ? Crash(ref crashes)
                : ValueTask.CompletedTask;

        var id = await ConsultAsync(TimeSpan.FromMinutes(3));
        await WaitForStatusAsync(id, ChargeStatus.Captured);

        Assert.Equal(2, Volatile.Read(ref crashes));
        Assert.Equal(1, Assert.Single(app.Stripe.IntentsFor(id)).CaptureCount);
        Assert.Equal([("authorized", 3500L), ("captured", 3500L)], await app.DataSource.LedgerAsync(id));
    }

    private static ValueTask Crash(ref int crashes)
    {
        Interlocked.Increment(ref crashes);
        throw new InvalidOperationException("simulated crash");
    }
}
