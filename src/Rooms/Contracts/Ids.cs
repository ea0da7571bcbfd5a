namespace Doctolib.Telehealth.Rooms;

/// <summary>The scheduling system's appointment id; one appointment has one room and one consultation.</summary>
public readonly record struct AppointmentId(Guid Value)
{
    public override string ToString() => Value.ToString("D");
}

/// <summary>A person's id as the identity provider knows it (the token's <c>sub</c>); never a name or an e-mail.</summary>
public readonly record struct PersonId(string Value)
{
    public override string ToString() => Value;
}
