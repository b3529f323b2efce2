"""The todos example's models and its store: typed input with pydantic.

A ``_`` name is not a route: the route files import it as ``examples.api._todos``.
The store is a dict in the process, as in Next.js's examples; a real API keeps its
todos in a database.
"""

from __future__ import annotations

import itertools
import threading

from pydantic import BaseModel, Field

from nextresp import ApiError


class TodoIn(BaseModel):
    """A new todo, as a client sends it."""

    title: str = Field(min_length=1, max_length=200)
    done: bool = False


class TodoPatch(BaseModel):
    """The fields of a todo to change; those left out keep their value."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    done: bool | None = None


class Todo(BaseModel):
    """A todo, as the API sends it."""

    id: int
    title: str
    done: bool


class Paging(BaseModel):
    """A page of the list: ``?limit=10&offset=20``, and ``?done=false`` to filter."""

    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0)
    done: bool | None = None


class TodoStore:
    """Todos by id, oldest first; safe to share between a server's threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._todos: dict[int, Todo] = {}
        self._ids = itertools.count(1)

    def page(self, paging: Paging) -> list[Todo]:
        """Return the todos ``paging`` asks for, oldest first."""
        with self._lock:
            todos = [
                todo
                for todo in self._todos.values()
                if paging.done is None or todo.done == paging.done
            ]
        return todos[paging.offset : paging.offset + paging.limit]

    def add(self, new: TodoIn) -> Todo:
        """Store a new todo under the next id and return it."""
        with self._lock:
            todo = Todo(id=next(self._ids), title=new.title, done=new.done)
            self._todos[todo.id] = todo
        return todo

    def get(self, id: int) -> Todo:
        """Return the todo ``id``; raise a 404 problem if there is none."""
        with self._lock:
            found = self._todos.get(id)
        if found is None:
            raise ApiError(404, f"There is no todo {id}")
        return found

    def update(self, id: int, patch: TodoPatch) -> Todo:
        """Change the fields ``patch`` sets and return the todo as it is now."""
        with self._lock:
            if id not in self._todos:
                raise ApiError(404, f"There is no todo {id}")
            changes = patch.model_dump(exclude_none=True)
            todo = self._todos[id].model_copy(update=changes)
            self._todos[id] = todo
        return todo

    def remove(self, id: int) -> None:
        """Delete the todo ``id``; raise a 404 problem if there is none."""
        with self._lock:
            if self._todos.pop(id, None) is None:
                raise ApiError(404, f"There is no todo {id}")

    def clear(self) -> None:
        """Forget every todo and start the ids again from 1 (for tests)."""
        with self._lock:
            self._todos.clear()
            self._ids = itertools.count(1)


TODOS = TodoStore()
