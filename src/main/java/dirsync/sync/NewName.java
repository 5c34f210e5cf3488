package dirsync.sync;

/**
 * Whether an action makes an entry of a name the replica's listing lacks ({@link Action.CopyNew},
 * {@link Action.CreateDirectory}): the only actions {@link Moves} may find a move for. Every other kind was decided
 * on the replica's entry of that name, or makes nothing, so a pass that changed nothing asks the memory of places
 * about none of its pairs. {@link #DIRECTORY} asks the same of directories alone: the new subdirectories that
 * {@link DirectoryCreations} makes at once.
 */
final class NewName implements Action.Visitor<Boolean, RuntimeException> {

    static final NewName CHECK = new NewName(true);
    static final NewName DIRECTORY = new NewName(false);

    private final boolean files;

    private NewName(boolean files) {
        this.files = files;
    }

    @Override
    public Boolean createDirectory(Action.CreateDirectory action) {
        return true;
    }

    @Override
    public Boolean syncDirectory(Action.SyncDirectory action) {
        return false;
    }

    @Override
    public Boolean copyNew(Action.CopyNew action) {
        return files;
    }

    @Override
    public Boolean move(Action.Move action) {
        return false;
    }

    @Override
    public Boolean update(Action.Update action) {
        return false;
    }

    @Override
    public Boolean compareContent(Action.CompareContent action) {
        return false;
    }

    @Override
    public Boolean syncLink(Action.SyncLink action) {
        return false;
    }

    @Override
    public Boolean replaceType(Action.ReplaceType action) {
        return false;
    }

    @Override
    public Boolean skipSpecial(Action.SkipSpecial action) {
        return false;
    }

    @Override
    public Boolean delete(Action.Delete action) {
        return false;
    }

    @Override
    public Boolean skipUnreadable(Action.SkipUnreadable action) {
        return false;
    }
}
