using Doctolib.Telehealth.Billing.Storage;
using Doctolib.Telehealth.Rooms;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Processing;

/// <summary>Turns the Rooms outbox's events into charges and pending payment attempts, inside the outbox's own
/// transaction: "event consumed" and "attempt with its idempotency key stored" commit together. No provider call
/// happens here; <see cref="AttemptExecutor"/> makes them afterwards.</summary>
internal sealed class ConsultationEventHandler(BillingOptions options, TimeProvider time, FaultInjector faults)
{
    public static string AuthorizeKey(Guid appointmentId) => $"consultation/{appointmentId:D}/authorize";

    public static string CaptureKey(Guid appointmentId) => $"consultation/{appointmentId:D}/capture";

    public static string CancelKey(Guid appointmentId) => $"consultation/{appointmentId:D}/cancel";

    public Task HandleAsync(OutboxEntry entry, NpgsqlTransaction transaction, CancellationToken cancellationToken) =>
        HandleAsync(entry.Event, transaction, cancellationToken);

    public async Task HandleAsync(ConsultationEvent consultationEvent, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        switch (consultationEvent)
        {
            case PatientAdmitted admitted:
                await AdmittedAsync(admitted, tx, cancellationToken);
                break;
            case ConsultationEnded ended:
                await EndedAsync(ended, tx, cancellationToken);
                break;
        }
        await faults.At(FaultPoint.OutboxHandled, consultationEvent.AppointmentId.ToString());
    }

    /// <summary>Billable: live media together for at least the minimum, not marked unbillable, not cancelled.</summary>
    public bool IsBillable(ConsultationEnded ended, out string? reason)
    {
        reason = !ended.MarkedBillable ? ended.UnbillableReason ?? "marked_unbillable"
            : ended.Reason == EndReason.AppointmentCancelled ? "appointment_cancelled"
            : ended.LiveMediaTogether < options.MinimumBillable ? "below_minimum_live_media"
            : null;
        return reason is null;
    }

    private async Task<ChargeRow> EnsureChargeAsync(NpgsqlTransaction tx, ConsultationEvent e, PersonId patient, PersonId practitioner,
        Doctolib.Telehealth.Rooms.Money price, Payer payer, DateTimeOffset? admittedAt, CancellationToken cancellationToken)
    {
        var existing = await ChargeStore.LockByAppointmentAsync(tx, e.AppointmentId.Value, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }
        var now = time.GetUtcNow();
        var card = payer as CardPayer;
        var row = new ChargeRow
        {
            Id = Guid.NewGuid(),
            AppointmentId = e.AppointmentId.Value,
            PatientId = patient.Value,
            PractitionerId = practitioner.Value,
            Amount = price.MinorUnits,
            Currency = price.Currency.ToUpperInvariant(),
            PayerType = card is null ? "third_party" : "card",
            StripeCustomer = card?.StripeCustomerId,
            PaymentMethod = card?.PaymentMethodId,
            InsurerReference = (payer as ThirdPartyPayer)?.InsurerReference,
            Status = card is null ? ChargeStatus.ClaimOpen : ChargeStatus.Authorizing,
            AdmittedAt = admittedAt?.UtcDateTime,
            CreatedAt = now.UtcDateTime,
            UpdatedAt = now.UtcDateTime,
        };
        await ChargeStore.InsertAsync(tx, row, cancellationToken);
        return await ChargeStore.LockByAppointmentAsync(tx, e.AppointmentId.Value, cancellationToken)
            ?? throw new InvalidOperationException("charge row vanished after insert");
    }

    private async Task AdmittedAsync(PatientAdmitted e, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        var charge = await EnsureChargeAsync(tx, e, e.PatientId, e.PractitionerId, e.Price, e.Payer, e.OccurredAt, cancellationToken);
        if (charge.PayerType == "card" && charge.EndedAt is null)
        {
            await ChargeStore.InsertAttemptAsync(tx, charge.Id, AttemptKind.Authorize, AuthorizeKey(charge.AppointmentId), time.GetUtcNow(), cancellationToken);
            await WorkSignal.NotifyAsync(tx, cancellationToken);
        }
    }

    private async Task EndedAsync(ConsultationEnded e, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        var charge = await EnsureChargeAsync(tx, e, e.PatientId, e.PractitionerId, e.Price, e.Payer, e.AdmittedAt, cancellationToken);
        if (charge.EndedAt is not null)
        {
            return;
        }
        var now = time.GetUtcNow();
        var billable = IsBillable(e, out var reason);
        charge.EndedAt = e.OccurredAt.UtcDateTime;
        charge.EndedEventAt = now.UtcDateTime;
        charge.EndReason = WireFormat.Text(e.Reason);
        charge.LiveMediaSeconds = (long)e.LiveMediaTogether.TotalSeconds;
        charge.Billable = billable;
        charge.UnbillableReason = reason;
        if (charge.PayerType == "third_party")
        {
            charge.Status = billable ? ChargeStatus.ClaimRecorded : ChargeStatus.NotBillable;
            if (billable)
            {
                await ChargeStore.LedgerAsync(tx, charge, "claim", charge.Amount, charge.Currency, $"claim/{charge.AppointmentId:D}", charge.InsurerReference, now, cancellationToken);
            }
        }
        else if (billable)
        {
            // Authorise first if the admission never reached us; the key is the same, so it cannot authorise twice.
            await ChargeStore.InsertAttemptAsync(tx, charge.Id, AttemptKind.Authorize, AuthorizeKey(charge.AppointmentId), now, cancellationToken);
            await ChargeStore.InsertAttemptAsync(tx, charge.Id, AttemptKind.Capture, CaptureKey(charge.AppointmentId), now, cancellationToken);
            charge.Status = ChargeStatus.CapturePending;
        }
        else if (await ChargeStore.HasAttemptAsync(tx, AuthorizeKey(charge.AppointmentId), cancellationToken))
        {
            await ChargeStore.InsertAttemptAsync(tx, charge.Id, AttemptKind.Cancel, CancelKey(charge.AppointmentId), now, cancellationToken);
            charge.Status = ChargeStatus.ReleasePending;
        }
        else
        {
            charge.Status = ChargeStatus.NotBillable;
        }
        await ChargeStore.UpdateAsync(tx, charge, now, cancellationToken);
        await WorkSignal.NotifyAsync(tx, cancellationToken);
    }
}
