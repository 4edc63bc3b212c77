package io.ganglion.processor;

import javax.annotation.processing.Messager;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.tools.Diagnostic;

/**
 * The compiler's {@link Messager}, counting the errors printed through it: after a round in which a
 * processor reported an error, javac runs no further round but the last, so {@link
 * NetworkProcessor} must finish then what it would have left for the next round.
 */
final class CountingMessager implements Messager {
  private final Messager delegate;
  private int errors;

  CountingMessager(Messager delegate) {
    this.delegate = delegate;
  }

  /** A messager that prints nothing, only counts: for checks whose verdict alone is wanted. */
  static CountingMessager silent() {
    return new CountingMessager(null);
  }

  /** The errors printed so far. */
  int errors() {
    return errors;
  }

  private void count(Diagnostic.Kind kind) {
    if (kind == Diagnostic.Kind.ERROR) {
      errors++;
    }
  }

  @Override
  public void printMessage(Diagnostic.Kind kind, CharSequence message) {
    count(kind);
    if (delegate != null) {
      delegate.printMessage(kind, message);
    }
  }

  @Override
  public void printMessage(Diagnostic.Kind kind, CharSequence message, Element element) {
    count(kind);
    if (delegate != null) {
      delegate.printMessage(kind, message, element);
    }
  }

  @Override
  public void printMessage(
      Diagnostic.Kind kind, CharSequence message, Element element, AnnotationMirror annotation) {
    count(kind);
    if (delegate != null) {
      delegate.printMessage(kind, message, element, annotation);
    }
  }

  @Override
  public void printMessage(Diagnostic.Kind kind, CharSequence message, Element element,
      AnnotationMirror annotation, AnnotationValue value) {
    count(kind);
    if (delegate != null) {
      delegate.printMessage(kind, message, element, annotation, value);
    }
  }
}
