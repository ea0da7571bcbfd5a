using System.Text.Json.Nodes;

namespace Doctolib.Telehealth.StripeEmulator;

/// <summary>Renders emulator objects in the shapes Stripe's API (and so Stripe.net) uses.</summary>
internal static class StripeJson
{
    public static JsonObject Intent(EmulatedPaymentIntent pi)
    {
        var metadata = new JsonObject();
        foreach (var (key, value) in pi.Metadata)
        {
            metadata[key] = value;
        }
        var json = new JsonObject
        {
            ["id"] = pi.Id,
            ["object"] = "payment_intent",
            ["amount"] = pi.Amount,
            ["amount_capturable"] = pi.AmountCapturable,
            ["amount_received"] = pi.AmountReceived,
            ["currency"] = pi.Currency,
            ["status"] = pi.Status,
            ["capture_method"] = pi.CaptureMethod,
            ["payment_method_types"] = PaymentMethodTypes(pi),
            ["automatic_payment_methods"] = pi.AutomaticPaymentMethods
                ? new JsonObject { ["enabled"] = true, ["allow_redirects"] = pi.AllowRedirects }
                : null,
            ["confirmation_method"] = "automatic",
            ["client_secret"] = pi.ClientSecret,
            ["customer"] = pi.Customer,
            ["payment_method"] = pi.PaymentMethod,
            ["latest_charge"] = pi.LatestCharge,
            ["created"] = pi.Created,
            ["livemode"] = false,
            ["metadata"] = metadata,
        };
        if (pi.LastErrorCode is not null)
        {
            json["last_payment_error"] = new JsonObject
            {
                ["type"] = "card_error",
                ["code"] = pi.LastErrorCode,
                ["decline_code"] = pi.LastDeclineCode,
                ["message"] = "Your card was declined.",
            };
        }
        if (pi.Status == "requires_action")
        {
            json["next_action"] = new JsonObject { ["type"] = "use_stripe_sdk" };
        }
        return json;
    }

    private static JsonArray PaymentMethodTypes(EmulatedPaymentIntent pi)
    {
        var types = new JsonArray();
        foreach (var type in pi.PaymentMethodTypes)
        {
            types.Add(type);
        }
        return types;
    }

    public static JsonObject Refund(EmulatedRefund refund) => new()
    {
        ["id"] = refund.Id,
        ["object"] = "refund",
        ["amount"] = refund.Amount,
        ["currency"] = refund.Currency,
        ["payment_intent"] = refund.PaymentIntentId,
        ["charge"] = refund.ChargeId,
        ["status"] = "succeeded",
        ["created"] = refund.Created,
    };

    public static JsonObject Charge(EmulatedPaymentIntent pi, IEnumerable<EmulatedRefund> refunds)
    {
        var data = new JsonArray();
        foreach (var refund in refunds)
        {
            data.Add(Refund(refund));
        }
        return new JsonObject
        {
            ["id"] = pi.LatestCharge,
            ["object"] = "charge",
            ["amount"] = pi.Amount,
            ["amount_captured"] = pi.AmountReceived,
            ["amount_refunded"] = pi.AmountRefunded,
            ["currency"] = pi.Currency,
            ["payment_intent"] = pi.Id,
            ["refunded"] = pi.AmountRefunded == pi.AmountReceived && pi.AmountReceived > 0,
            ["refunds"] = new JsonObject { ["object"] = "list", ["data"] = data, ["has_more"] = false },
        };
    }

    public static JsonObject BalanceTransaction(EmulatedBalanceTransaction txn) => new()
    {
        ["id"] = txn.Id,
        ["object"] = "balance_transaction",
        ["amount"] = txn.Amount,
        ["currency"] = txn.Currency,
        ["fee"] = txn.Fee,
        ["net"] = txn.Amount - txn.Fee,
        ["type"] = txn.Type,
        ["reporting_category"] = txn.Type,
        ["source"] = txn.Source,
        ["status"] = "available",
        ["created"] = txn.Created,
        ["available_on"] = txn.Created,
        ["fee_details"] = new JsonArray(),
    };

    /// <summary>Stripe's error body: <c>{"error": {type, code, param, message, doc_url, decline_code, payment_intent}}</c>.
    /// The HTTP status goes on the response; Stripe.net reads both.</summary>
    public static JsonObject Error(int status, string type, string? code, string message, JsonObject? intent = null, string? declineCode = null, string? param = null)
    {
        _ = status;
        var error = new JsonObject { ["type"] = type, ["message"] = message };
        if (code is not null)
        {
            error["code"] = code;
            error["doc_url"] = $"https://stripe.com/docs/error-codes/{code.Replace('_', '-')}";
        }
        if (param is not null)
        {
            error["param"] = param;
        }
        if (declineCode is not null)
        {
            error["decline_code"] = declineCode;
        }
        if (intent is not null)
        {
            error["payment_intent"] = intent;
        }
        return new JsonObject { ["error"] = error };
    }
}
