using Doctolib.Telehealth.EndToEnd.Tests.Support;
using static Microsoft.Playwright.Assertions;

namespace Doctolib.Telehealth.EndToEnd.Tests;

/// <summary>A billing clerk works on a charge that a real (browser) consultation produced.</summary>
[Collection(BrowserCollection.Name)]
public sealed class BillingDashboardTests(BrowserWorld world) : BrowserTest(world.Contexts)
{
    [Fact]
    public async Task Dashboard_BillingUserRefundsPartOfACharge_AndRunsAReconciliation()
    {
        var appointment = await world.CreateAppointmentAsync("pr-billing", "pa-billing", "Jeanne Petit");
        await CapturedConsultationAsync(appointment, "pr-billing", "pa-billing");

        var clerk = await world.NewPersonAsync();
        await Visit.OpenAsync(clerk, "/billing", await world.TokenAsync("clerk-1", "billing"));
        Assert.DoesNotContain("token", clerk.Url, StringComparison.Ordinal);
        var row = clerk.Locator("[data-testid=charge-row]", new PageLocatorOptions { HasText = "pa-billing" });
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "captured");
        await BrowserWorld.ScreenshotAsync(clerk, "billing-01-charges");

        await row.GetByTestId("charge-details").ClickAsync();
        await Expect(clerk.GetByTestId("charge-summary")).ToBeVisibleAsync();
        await Expect(clerk.GetByTestId("timeline")).ToContainTextAsync("pa-billing");
        await Expect(clerk.GetByTestId("attempts")).ToBeVisibleAsync();
        await clerk.GetByTestId("refund-amount").FillAsync("10.00");
        await clerk.GetByTestId("refund-reason").FillAsync("Goodwill gesture: the video froze for a while.");
        await clerk.GetByTestId("refund-submit").ClickAsync();
        await Expect(clerk.GetByTestId("refund-done")).ToBeVisibleAsync();
        await Expect(clerk.GetByTestId("refunded-amount")).ToContainTextAsync("10.00");
        await Expect(clerk.GetByTestId("refunds")).ToContainTextAsync("Goodwill gesture");
        await BrowserWorld.ScreenshotAsync(clerk, "billing-02-charge-detail-after-refund");

        await clerk.GetByTestId("back").ClickAsync();
        await Expect(row.Locator("[data-status]")).ToHaveAttributeAsync("data-status", "partially_refunded");

        await clerk.GetByTestId("tab-reconciliation").ClickAsync();
        await clerk.GetByTestId("rec-run").ClickAsync();
        await Expect(clerk.GetByTestId("rec-report")).ToBeVisibleAsync();
        var matched = int.Parse(await clerk.GetByTestId("rec-matched").Locator(".value").InnerTextAsync().WaitAsync(BrowserWorld.Step),
            System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(matched >= 2, $"the capture and the refund should both match the ledger, {matched} matched");
        await Expect(clerk.GetByTestId("rec-runs")).ToContainTextAsync("clerk-1");
        await BrowserWorld.ScreenshotAsync(clerk, "billing-03-reconciliation");
        await clerk.Context.CloseAsync();

        // Another clerk, in another browser, finds that run in the list of past runs and opens it.
        var colleague = await world.NewPersonAsync();
        await Visit.OpenAsync(colleague, "/billing", await world.TokenAsync("clerk-2", "billing"));
        await colleague.GetByTestId("tab-reconciliation").ClickAsync();
        var run = colleague.Locator("[data-testid=rec-run-item]", new PageLocatorOptions { HasText = "clerk-1" }).First;
        await Expect(run).ToBeVisibleAsync();
        await Expect(colleague.GetByTestId("rec-report")).ToHaveCountAsync(0);
        await run.GetByTestId("rec-open").ClickAsync();
        await Expect(colleague.GetByTestId("rec-report")).ToBeVisibleAsync();
        await Expect(colleague.GetByTestId("rec-matched").Locator(".value")).ToHaveTextAsync(matched.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await BrowserWorld.ScreenshotAsync(colleague, "billing-04-past-reconciliation");
        await colleague.Context.CloseAsync();
    }

    /// <summary>Patient and practitioner hold a short call with live media, the practitioner ends it as billable, and
    /// the payment is captured (the patient's receipt appears).</summary>
    private async Task CapturedConsultationAsync(Guid appointment, string practitionerId, string patientId)
    {
        var patient = await world.NewPersonAsync();
        var practitioner = await world.NewPersonAsync();
        await Visit.OpenAsync(patient, $"/visit/{appointment}", await world.TokenAsync(patientId, "patient"));
        await Visit.PassDeviceCheckAsync(patient);
        await Expect(patient.GetByTestId("waiting-room")).ToBeVisibleAsync();
        await Visit.OpenAsync(practitioner, "/practitioner", await world.TokenAsync(practitionerId, "practitioner"));
        await practitioner.Locator($"[data-appointment='{appointment}']").GetByTestId("admit").ClickAsync();
        await Visit.WaitDecodingAsync(patient);
        await Visit.WaitDecodingAsync(practitioner);
        await Task.Delay(TimeSpan.FromSeconds(3));
        await practitioner.GetByTestId("end").ClickAsync();
        await practitioner.GetByTestId("end-confirm").ClickAsync();
        await Expect(patient.GetByTestId("receipt-link")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = 30_000 });
        await patient.Context.CloseAsync();
        await practitioner.Context.CloseAsync();
    }
}
