package bio.flow.users;

/** A user as other things refer to them in answers: the owner of a project or sample, say. */
public record UserRef(long id, String username) {}
